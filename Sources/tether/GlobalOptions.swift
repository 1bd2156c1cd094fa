import ArgumentParser

/// Options every command takes, before or after the subcommand name.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The region server's URL (else TETHER_SERVER, else the saved profile).")
    var server: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout.")
    var json = false
}

extension GlobalOptions {
    /// Moves `--json` and `--server URL` given before the subcommand name to the end, where
    /// the leaf command's option group reads them.
    static func movingLeadingOptionsToEnd(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--json" || argument.hasPrefix("--server=") {
                leading.append(argument)
            } else if argument == "--server", index + 1 < arguments.endIndex {
                leading += [argument, arguments[index + 1]]
                index += 1
            } else {
                break
            }
            index += 1
        }
        return Array(arguments[index...]) + leading
    }
}
