import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client sends too slowly (`--read-timeout`): a request's head must
/// arrive in full within the timeout of its first byte, and its body may not pause longer than
/// the timeout. Between requests the idle timeout applies instead.
///
/// Two handlers share one ``State`` per connection: ``Bytes`` sits first in the pipeline and
/// sees every byte arrive; ``Parts`` sits behind the HTTP decoder and sees where a request's
/// head and end are.
enum SlowSenderGuard {
    /// Where the connection is in reading a request, and the timer that watches it.
    final class State {
        enum Phase {
            /// No request is being read.
            case idle
            /// A request's first bytes arrived at `since`; its head has not.
            case head(since: NIODeadline)
            /// The head has arrived; the body's last bytes arrived at `lastRead`.
            case body(lastRead: NIODeadline)
        }

        let timeout: TimeAmount
        var phase = Phase.idle
        var timer: Scheduled<Void>?

        init(timeout: TimeAmount) {
            self.timeout = timeout
        }

        /// When the connection is to be closed unless more arrives.
        var deadline: NIODeadline? {
            switch self.phase {
            case .idle: nil
            case .head(let since): since + self.timeout
            case .body(let lastRead): lastRead + self.timeout
            }
        }

        func watch(_ context: ChannelHandlerContext) {
            guard self.timer == nil, let deadline = self.deadline else { return }
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            self.timer = context.eventLoop.scheduleTask(deadline: deadline) {
                let (state, context) = loopBound.value
                state.timer = nil
                guard let deadline = state.deadline else { return }
                if deadline <= .now() {
                    context.close(promise: nil)
                } else {
                    state.watch(context)
                }
            }
        }

        func stopWatching() {
            self.timer?.cancel()
            self.timer = nil
        }
    }

    /// Notes when bytes arrive.
    final class Bytes: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let state: State

        init(state: State) {
            self.state = state
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.state.phase {
            case .idle:
                self.state.phase = .head(since: .now())
                self.state.watch(context)
            case .head:
                break
            case .body:
                self.state.phase = .body(lastRead: .now())
            }
            context.fireChannelRead(data)
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.state.stopWatching()
            context.fireChannelInactive()
        }
    }

    /// Notes where requests begin their body and end.
    final class Parts: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        let state: State

        init(state: State) {
            self.state = state
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head:
                self.state.phase = .body(lastRead: .now())
            case .body:
                break
            case .end:
                self.state.phase = .idle
                self.state.stopWatching()
            }
            context.fireChannelRead(data)
        }
    }
}
