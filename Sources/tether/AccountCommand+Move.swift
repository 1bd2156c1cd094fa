import ArgumentParser
import Foundation
import TetherAPI

extension AccountCommand {
    /// `tether account move --region R`: the account, its devices, settings, sessions, alerts,
    /// telemetry history and backups move to another home region; devices keep their credentials.
    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move your account to another home region, with its devices, settings, history and backups.",
            discussion: """
                The old home copies everything to the new region, which checks the copy by hashes and \
                becomes the account's home; the old home then deletes its copy. Devices keep working \
                without pairing again: their next request is redirected. Settings, sessions, alerts, \
                telemetry history and backups all move.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The new home region (an id from the region directory).")
        var region: String

        func run() async throws {
            let (connection, session) = try ServerConnection.signedIn(self.global)
            let receipt = try await connection.call {
                try await $0.moveAccount(body: .json(.init(region: self.region))).ok.body.json
            }
            guard let server = URL(string: receipt.url) else {
                throw CLIError("the new home answered with an invalid URL '\(receipt.url)'")
            }
            await session.rehome(to: server, region: receipt.region)
            try Output(self.global).emit(AccountMoveOutput(receipt)) {
                "Moved to region \(receipt.region) (\(receipt.url)): \(receipt.devices) devices, "
                    + "\(receipt.snapshots) backup snapshots, \(receipt.chunks) chunks."
            }
        }
    }
}

/// `tether account move --json`.
struct AccountMoveOutput: Encodable {
    var accountId: String
    var region: String
    var server: String
    var devices: Int
    var snapshots: Int
    var chunks: Int

    init(_ receipt: Components.Schemas.AccountMoveReceipt) {
        self.accountId = receipt.accountId
        self.region = receipt.region
        self.server = receipt.url
        self.devices = receipt.devices
        self.snapshots = receipt.snapshots
        self.chunks = receipt.chunks
    }

    enum CodingKeys: String, CodingKey {
        case accountId = "account_id"
        case region, server, devices, snapshots, chunks
    }
}
