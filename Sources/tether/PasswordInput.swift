import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a password comes from: `--password-stdin`, else `TETHER_PASSWORD`, else a prompt
/// without echo when standard input is a terminal. Never a command-line argument.
enum PasswordInput {
    static func read(fromStandardInput: Bool) throws -> String {
        if fromStandardInput {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIError("--password-stdin: no password on standard input")
            }
            return line
        }
        if let password = ProcessInfo.processInfo.environment["TETHER_PASSWORD"], !password.isEmpty {
            return password
        }
        #if canImport(Glibc)
        if isatty(STDIN_FILENO) != 0, let typed = getpass("Password: ") {
            return String(cString: typed)
        }
        #endif
        throw CLIError("no password: pipe it with --password-stdin or set TETHER_PASSWORD")
    }
}
