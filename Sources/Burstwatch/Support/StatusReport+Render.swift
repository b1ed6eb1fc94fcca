import Foundation

extension StatusReport {
    /// The human form: one small table per section.
    public func render() -> String {
        var out = "burstwatch status at \(generatedAt)\n"

        out += "\nqueues:\n"
        if queues.isEmpty {
            out += "  broker unreachable: \(brokerError ?? "unknown reason")\n"
        } else {
            var table = TextTable(["QUEUE", "READY", "CONSUMERS"])
            for queue in queues {
                table.add(queue.declared ? [queue.name, "\(queue.messages)", "\(queue.consumers)"] : [queue.name, "-", "not declared yet"])
            }
            out += table.render()
        }

        out += "\nDMAs:\n"
        if dmas.isEmpty {
            out += "  none registered\n"
        } else {
            var table = TextTable(["DMA", "CHANNELS", "NEWEST READING", "AGE", "OLDEST CHANNEL BEHIND", "WINDOWS DONE", "OPEN"])
            for dma in dmas {
                let laggard = dma.channels.compactMap(\.behindDMASeconds).max()
                table.add([dma.dma, "\(dma.channels.count)", dma.newestReading ?? "never", dma.ageSeconds.map(humanDuration) ?? "-",
                           laggard.map(humanDuration) ?? "-", "\(dma.windowsComplete)", "\(dma.windowsOpen)"])
            }
            out += table.render()
        }

        out += "\nsilent loggers (no reading for more than \(silentAfterWindows) windows behind their DMA):"
        if silentLoggers.isEmpty {
            out += " none\n"
        } else {
            out += "\n"
            var table = TextTable(["LOGGER", "CHANNEL", "DMA", "NEWEST READING", "WINDOWS BEHIND"])
            for logger in silentLoggers {
                table.add([logger.loggerID, logger.channel, logger.dma, logger.newestReading ?? "never",
                           logger.windowsBehind.map { "\($0)" } ?? "-"])
            }
            out += table.render()
        }

        out += "\nfiles: " + (files.isEmpty ? "none" : files.map { "\($0.count) \($0.status)" }.joined(separator: ", ")) + "\n"
        if !rejectedFiles.isEmpty {
            out += "rejected files (newest first):\n"
            for file in rejectedFiles { out += "  \(file.file): \(file.reason)\n" }
        }

        out += "\nopen burst events:"
        if openEvents.isEmpty {
            out += " none\n"
        } else {
            out += "\n"
            var table = TextTable(["EVENT", "DMA", "STATE", "START", "FLOW L/S", "CONFIDENCE", "AREA"])
            for event in openEvents {
                let area = event.areaPipes == 0 && event.areaNodes == 0 ? "-"
                    : "\(event.areaNodes) nodes, \(event.areaPipes) pipes" + (event.areaPipeLengthM.map { ", \(Int($0.rounded())) m" } ?? "")
                table.add([event.eventID, event.dma, event.state, event.startEstimate ?? "-",
                           event.flowIncreaseLps.map { String(format: "%.1f", $0) } ?? "-",
                           event.confidence.map { String(format: "%.2f", $0) } ?? "-", area])
            }
            out += table.render()
        }
        return out
    }
}
