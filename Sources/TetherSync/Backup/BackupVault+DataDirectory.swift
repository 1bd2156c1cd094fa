public import Foundation
public import TetherStore

extension BackupVault {
    /// The vault of a data directory: blobs under `<data-dir>/blobs/`, and the KEK at `kekFile`,
    /// or at `<data-dir>/keys/region.kek`, created there at first start (mode 0600).
    ///
    /// - Throws: ``TetherCore/TetherError`` for `kek-file` when a given KEK file cannot be read.
    public static func open(
        dataDirectory: URL,
        kekFile: URL? = nil,
        store: any BackupStore,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> BackupVault {
        let kek = try KeyEncryptionKey.load(
            from: kekFile ?? KeyEncryptionKey.defaultFile(dataDirectory: dataDirectory),
            create: kekFile == nil
        )
        return BackupVault(
            store: store,
            blobs: try FileBlobStore.open(dataDirectory: dataDirectory),
            kek: kek,
            clock: clock
        )
    }
}
