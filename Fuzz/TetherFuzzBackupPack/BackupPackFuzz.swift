import Foundation
import TetherSync

/// libFuzzer entry point: any bytes as the body of `POST /v1/backup/packs`. The parser must
/// answer with chunks or an error, never crash; the chunks it finds must frame back to the body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBackupPack(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    guard let chunks = try? BackupPackBody.decode(body) else { return 0 }
    guard BackupPackBody.encode(chunks) == body else {
        fatalError("a pack of \(chunks.count) chunks does not frame back to the \(size) bytes it was read from")
    }
    return 0
}
