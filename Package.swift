// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first; a lower layer never imports a higher one:
//   CAMQP, CLibPQ (C)  ->  AMQP, Postgres (thin Swift wrappers)
//   Readings, WaterNetwork (Sources/Network), Detection (pure domain, no I/O)
//   Burstwatch (the roles: watch, ingest, relay, detect, eval)  ->  burstwatch (CLI)
let package = Package(
    name: "burstwatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "burstwatch", targets: ["burstwatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .target(name: "CAMQP", linkerSettings: [.linkedLibrary("rabbitmq")]),
        .target(name: "CLibPQ", linkerSettings: [.linkedLibrary("pq")]),
        .target(name: "AMQP", dependencies: ["CAMQP"]),
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        .target(name: "Readings"),
        // Not named "Network": hummingbird's `#if canImport(Network)` (Apple's Network.framework)
        // would find this module in the shared build folder and then fail to build on Linux.
        .target(name: "WaterNetwork", path: "Sources/Network"),
        .target(name: "Detection", dependencies: ["WaterNetwork", "Readings"]),
        .target(name: "Burstwatch", dependencies: [
            "AMQP", "Postgres", "Readings", "WaterNetwork", "Detection",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "BurstwatchHTTP", dependencies: [
            "Burstwatch",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .executableTarget(name: "burstwatch", dependencies: [
            "Burstwatch",
            "BurstwatchHTTP",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "ReadingsTests", dependencies: ["Readings"], resources: [.copy("HostileCorpus")]),
        .testTarget(name: "NetworkTests", dependencies: ["WaterNetwork"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DetectionTests", dependencies: ["Detection", "WaterNetwork", "Readings"]),
        .testTarget(name: "BurstwatchTests", dependencies: ["Burstwatch", "Readings", "Detection", "WaterNetwork"]),
        .testTarget(name: "MapTests", dependencies: ["BurstwatchHTTP", "Burstwatch", "WaterNetwork", "Detection"]),
        .testTarget(name: "BenchTests", dependencies: ["Burstwatch", "Readings", "WaterNetwork"]),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Burstwatch", "burstwatch", "AMQP", "Postgres", "Readings", "Detection"]),
    ]
)
