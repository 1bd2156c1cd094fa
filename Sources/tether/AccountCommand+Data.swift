import ArgumentParser
import Foundation
import TetherAPI

extension AccountCommand {
    /// `tether account export`: everything stored for the account, as one JSON document.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export everything stored for your account as JSON.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Write the document to FILE (mode 0600); with --json it is printed as well.")
        var output: String?

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let document = try await connection.call { try await $0.exportAccount().ok.body.json }
            let data = try JSONEncoder.tether.encode(document)
            guard let path = self.output else {
                print(String(decoding: data, as: UTF8.self))
                return
            }
            let url = URL(fileURLWithPath: path)
            guard
                FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600])
            else {
                throw CLIError("cannot write \(url.path)")
            }
            // With --json the document goes to stdout as well, as scripts expect (CLI.md).
            if self.global.json {
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("Wrote \(data.count) bytes to \(url.path).")
            }
        }
    }

    /// `tether account delete`: removes the account and everything stored for it.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete your account and all its data; revokes every token and device credential."
        )

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Do not ask for confirmation (for scripts).")
        var yes = false

        func run() async throws {
            let (connection, session) = try ServerConnection.signedIn(self.global)
            if !self.yes {
                let email = await session.profile.email ?? "your account"
                try Confirmation.require(
                    prompt: "This deletes \(email) and all its data for good. Type 'delete' to confirm: ",
                    answer: "delete"
                )
            }
            _ = try await connection.call { try await $0.deleteAccount().ok.body.json }
            if let account = await session.profile.accountId { SettingsReplicaFile(account: account).remove() }
            try await session.forget()
            try Output(self.global).emit(["deleted": true]) { "Deleted the account and all its data." }
        }
    }
}

/// Asks a person to confirm on a terminal; refuses when nobody can answer.
enum Confirmation {
    static func require(prompt: String, answer: String) throws {
        guard isatty(STDIN_FILENO) != 0 else {
            throw CLIError("refusing without confirmation: pass --yes")
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        guard readLine()?.trimmingCharacters(in: .whitespaces) == answer else {
            throw CLIError("not confirmed; nothing was deleted")
        }
    }
}
