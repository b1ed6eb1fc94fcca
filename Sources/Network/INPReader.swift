/// Reads an EPANET 2 input (.inp) file from its text. Pure: the caller does the I/O.
///
/// Sections read: [OPTIONS] (Units, Headloss), [JUNCTIONS], [RESERVOIRS], [TANKS],
/// [PIPES], [CURVES], [PUMPS], [VALVES], [STATUS], [COORDINATES], [VERTICES], [DEMANDS],
/// [EMITTERS]. All
/// other sections, known to EPANET or not, are skipped. Section names and keywords are
/// case-insensitive; sections may come in any order (like EPANET, a pipe may name a
/// node defined further down). Values are converted to metres and litres per second.
public enum INPReader {
    /// - Parameter fileName: used only in error messages.
    /// - Throws: `NetworkParseError` naming the line and what is wrong with it.
    public static func parse(_ text: String, fileName: String = "network.inp") throws(NetworkParseError) -> NetworkModel {
        if let problem = INPLexer.firstControlByte(in: text) {
            throw NetworkParseError(fileName: fileName, line: problem.line,
                                    reason: "binary content: \(problem.what); an .inp file is text")
        }
        let sections = INPLexer.sections(of: text)
        func lines(_ name: String) -> [INPLine] { sections[name] ?? [] }

        var builder = NetworkBuilder(fileName: fileName)
        // Units first: every number below is converted with them.
        for line in lines("OPTIONS") { try builder.readOption(line) }
        for line in lines("JUNCTIONS") { try builder.readJunction(line) }
        for line in lines("RESERVOIRS") { try builder.readReservoir(line) }
        for line in lines("TANKS") { try builder.readTank(line) }
        for line in lines("PIPES") { try builder.readPipe(line) }
        for line in lines("CURVES") { try builder.readCurvePoint(line) }
        for line in lines("PUMPS") { try builder.readPump(line) }
        for line in lines("VALVES") { try builder.readValve(line) }
        for line in lines("STATUS") { try builder.readStatus(line) }
        for line in lines("COORDINATES") { try builder.readCoordinates(line) }
        for line in lines("VERTICES") { try builder.readVertex(line) }
        var junctionsWithListedDemands = Set<Int>()
        for line in lines("DEMANDS") { try builder.readDemand(line, replaced: &junctionsWithListedDemands) }
        for line in lines("EMITTERS") { try builder.readEmitter(line) }

        guard !builder.nodes.isEmpty else {
            throw NetworkParseError(fileName: fileName, line: nil,
                                    reason: "the network is empty (no [JUNCTIONS], [RESERVOIRS] or [TANKS] entries)")
        }
        return builder.model()
    }
}
