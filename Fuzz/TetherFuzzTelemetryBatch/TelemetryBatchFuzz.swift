import Foundation
import TetherCore

/// libFuzzer entry point: any bytes as the body of `POST /v1/telemetry`. The decoder must answer
/// with events or a ``TetherError``, never crash; each accepted event must encode again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTelemetryBatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    guard let slots = try? TelemetryBatchDecoder(maxEvents: 1_000).decode(body) else { return 0 }
    for case .success(let event) in slots {
        _ = try? JSONEncoder().encode(event)
    }
    return 0
}
