import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 channel with ``SlowSenderGuard`` around its decoder.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let readTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        self.base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let state = SlowSenderGuard.State(timeout: self.readTimeout)
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(SlowSenderGuard.Bytes(state: state), position: .first)
            let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
            try pipeline.addHandler(SlowSenderGuard.Parts(state: state), position: .after(codec))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await self.base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 that closes idle connections after `idleTimeout` and slow senders after
    /// `readTimeout` (``SlowSenderGuard``).
    static func guardedHTTP1(idleTimeout: Duration, readTimeout: Duration) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(
                base: HTTP1Channel(
                    responder: responder,
                    configuration: .init(idleTimeout: TimeAmount(idleTimeout))
                ),
                readTimeout: TimeAmount(readTimeout)
            )
        }
    }
}
