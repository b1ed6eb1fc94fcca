// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first; a lower layer never imports a higher one:
//   CAMQP, CLibPQ (C)  ->  AMQP, Postgres (thin Swift wrappers)
//   Readings, Network, Detection (pure domain, no I/O)
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
    ],
    targets: [
        .target(name: "CAMQP", linkerSettings: [.linkedLibrary("rabbitmq")]),
        .target(name: "CLibPQ", linkerSettings: [.linkedLibrary("pq")]),
        .target(name: "AMQP", dependencies: ["CAMQP"]),
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        .target(name: "Readings"),
        .target(name: "Network"),
        .target(name: "Detection", dependencies: ["Network", "Readings"]),
        .target(name: "Burstwatch", dependencies: [
            "AMQP", "Postgres", "Readings", "Network", "Detection",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "burstwatch", dependencies: [
            "Burstwatch",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "ReadingsTests", dependencies: ["Readings"], resources: [.copy("HostileCorpus")]),
        .testTarget(name: "NetworkTests", dependencies: ["Network"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DetectionTests", dependencies: ["Detection", "Network", "Readings"]),
        .testTarget(name: "BurstwatchTests", dependencies: ["Burstwatch", "Readings", "Detection"]),
        .testTarget(name: "BenchTests", dependencies: ["Burstwatch", "Readings", "Network"]),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Burstwatch", "burstwatch", "AMQP", "Postgres", "Readings", "Detection"]),
    ]
)
