import ArgumentParser
import Foundation
import TetherCore
import TetherServer
import TetherStore
import TetherSync

/// `tetherd rotate-kek`: re-wraps every account's backup data key under a new key-encryption key.
struct RotateKEKCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-kek",
        abstract: "Re-wrap every backup data key under a new key-encryption key (run with the server stopped).",
        discussion: """
            The current KEK is --kek-file (or <data-dir>/keys/region.kek); --new-kek-file holds the new one \
            (32 bytes, or 64 hex digits: openssl rand -hex 32). All keys are re-wrapped in one transaction; \
            then start tetherd with --kek-file NEW (or move NEW to <data-dir>/keys/region.kek) and destroy \
            the old KEK. Chunks are not re-encrypted: they are sealed with the data keys, which do not change.
            """
    )

    @OptionGroup var options: ServerOptions

    @Option(name: .customLong("new-kek-file"), help: "The new key-encryption key file.")
    var newKEKFile: String

    func run() async throws {
        let settings = try self.options.resolve()
        let store = try await StoreBackend.openForCommand(settings)
        defer { try? store.close() }
        do {
            let old = try KeyEncryptionKey.load(
                from: settings.kekFile ?? KeyEncryptionKey.defaultFile(dataDirectory: settings.dataDirectory),
                create: false
            )
            let new = try KeyEncryptionKey.load(from: URL(fileURLWithPath: self.newKEKFile), create: false)
            let count = try await BackupVault.rotate(store: store, from: old, to: new)
            print("re-wrapped \(count) data keys: KEK \(old.id) -> \(new.id)")
        } catch let error as TetherError {
            throw ValidationError(error.detail)
        }
    }
}
