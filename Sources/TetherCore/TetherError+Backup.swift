// Errors of the backup endpoints (`protocols/backup.md`).

extension TetherError {
    /// A chunk's bytes do not hash to the id it was sent under: `422 chunk_id_mismatch`.
    public static let chunkIDMismatch = TetherError(
        code: "chunk_id_mismatch",
        kind: .unprocessable,
        field: "chunkId",
        detail: "The chunk's bytes do not hash to its id under the account's chunk-id key; nothing was stored."
    )

    /// Chunk `index` of a pack request does not hash to the id listed for it:
    /// `422 chunk_id_mismatch` naming `chunks[index]`; nothing of the request was stored.
    public static func chunkIDMismatch(index: Int) -> TetherError {
        TetherError(
            code: "chunk_id_mismatch",
            kind: .unprocessable,
            field: "chunks[\(index)]",
            detail:
                "Chunk \(index)'s bytes do not hash to its id under the account's chunk-id key; nothing of the request was stored."
        )
    }

    /// A snapshot names chunks the server does not hold: `409 chunks_missing`, with the first
    /// few ids in the detail. Ask `POST /v1/backup/chunks/missing`, upload those, commit again.
    public static func chunksMissing(_ ids: [String]) -> TetherError {
        let shown = ids.prefix(5).joined(separator: ", ")
        let more = ids.count > 5 ? " and \(ids.count - 5) more" : ""
        return TetherError(
            code: "chunks_missing",
            kind: .conflict,
            field: "chunks",
            detail: "\(ids.count) chunks of the manifest are not stored: \(shown)\(more); upload them and commit again."
        )
    }

    /// A stored chunk or manifest no longer opens (its blob was altered or lost): `500 box_corrupt`.
    public static func backupCorrupt(_ what: String) -> TetherError {
        TetherError(
            code: "backup_corrupt",
            kind: .internal,
            detail: "The stored \(what) is corrupt or missing; run backup verify."
        )
    }

    /// The server has no backup storage configured: `503 backups_unavailable`.
    public static let backupsUnavailable = TetherError(
        code: "backups_unavailable",
        kind: .unavailable,
        detail: "This server does not store backups."
    )
}
