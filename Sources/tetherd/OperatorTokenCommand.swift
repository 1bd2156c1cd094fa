import ArgumentParser
import Foundation
import TetherServer
import TetherStore

/// `tetherd operator-token`: prints a new operator token, stored hashed in the data directory.
struct OperatorTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator-token",
        abstract: "Create an operator token and print it (shown once; stored only as its SHA-256)."
    )

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let settings = try self.options.resolve()
        let store = try await StoreBackend.openForCommand(settings)
        defer { try? store.close() }
        let token = SecretToken.generate(.operator)
        try await store.addOperatorToken(hash: token.digest, createdAt: Date())
        print(token.text)
    }
}
