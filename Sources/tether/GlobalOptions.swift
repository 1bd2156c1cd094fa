import ArgumentParser

/// Options every command takes, before or after the subcommand name.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The region server's URL (else TETHER_SERVER, else the saved profile).")
    var server: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout.")
    var json = false

    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp(
            "PEM certificates of a private CA to trust besides the system's (else TETHER_CA_FILE, else the one saved at login).",
            valueName: "path"
        )
    )
    var caFile: String?

    @Flag(
        name: .customLong("insecure-http"),
        help: "Allow plain http to a server that is not on this machine (passwords and tokens travel unencrypted)."
    )
    var insecureHTTP = false
}

extension GlobalOptions {
    /// Moves the global options given before the subcommand name (`--json`, `--insecure-http`,
    /// `--server URL`, `--ca-file PATH`) to the end, where the leaf command's option group reads them.
    static func movingLeadingOptionsToEnd(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if Self.leadingFlags.contains(argument)
                || Self.leadingOptions.contains(where: { argument.hasPrefix("\($0)=") })
            {
                leading.append(argument)
            } else if Self.leadingOptions.contains(argument), index + 1 < arguments.endIndex {
                leading += [argument, arguments[index + 1]]
                index += 1
            } else {
                break
            }
            index += 1
        }
        return Array(arguments[index...]) + leading
    }

    private static let leadingFlags: Set = ["--json", "--insecure-http"]
    private static let leadingOptions: Set = ["--server", "--ca-file"]
}
