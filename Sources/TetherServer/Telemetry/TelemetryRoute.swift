import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TetherCore

/// `POST /v1/telemetry`, written by hand rather than generated: the generated handler decodes
/// the whole body strictly (one bad event would refuse the batch) and cannot read gzip bodies.
/// Its contract is still `protocols/openapi.yaml`; ``GeneratedRoutes`` leaves it to this route.
struct TelemetryRoute: Sendable {
    let pipeline: TelemetryPipeline
    let authenticator: Authenticator
    /// The largest decoded body, in bytes (the raw body is limited by ``BodyLimitMiddleware``).
    let maxBodyBytes: Int

    /// The operations this route serves instead of the generated handlers.
    static let operations: Set<String> = ["POST /v1/telemetry"]

    func register(on router: Router<TetherRequestContext>) {
        router.post("/v1/telemetry") { request, context in
            try await self.post(request, context: context)
        }
    }

    private func post(_ request: Request, context: TetherRequestContext) async throws -> Response {
        // Credential first: an unknown device learns nothing about the body's problems.
        let device = try await self.authenticator.device(markingSeen: false)
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw TetherError(
                code: "unsupported_media_type",
                kind: .unsupportedMediaType,
                detail: "Send the batch as application/json."
            )
        }
        var body = try await request.body.collect(upTo: self.maxBodyBytes)
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity":
            break
        case "gzip":
            body = try self.gunzip(body)
        case let encoding?:
            throw TetherError.unsupportedEncoding(encoding)
        }
        let report = try await self.pipeline.ingest(
            body: Data(body.readableBytesView),
            device: device,
            clientAddress: context.clientAddress
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(report)))
        )
    }

    /// Decompresses a gzip body, capped at ``maxBodyBytes`` of output.
    ///
    /// zlib accepts a stream that stops early, so the output's length is checked against the
    /// gzip trailer's (RFC 1952 `ISIZE`, the last 4 bytes, little-endian): a truncated body is
    /// malformed, not a shorter batch.
    private func gunzip(_ compressed: ByteBuffer) throws -> ByteBuffer {
        let bytes = compressed.readableBytesView
        guard bytes.count >= 18, bytes.first == 0x1f, bytes.dropFirst().first == 0x8b else {
            throw TetherError.undecodableBody
        }
        var input = compressed
        let output: ByteBuffer
        do {
            output = try input.decompress(with: .gzip(), maxSize: self.maxBodyBytes)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw TetherError.bodyTooLarge(limitBytes: self.maxBodyBytes)
        } catch {
            throw TetherError.undecodableBody
        }
        let trailer = bytes.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard trailer == UInt32(truncatingIfNeeded: output.readableBytes) else { throw TetherError.undecodableBody }
        return output
    }
}
