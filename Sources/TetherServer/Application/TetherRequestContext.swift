public import Hummingbird
import NIOCore
import TetherCore

/// The request context of the region server: Hummingbird's core storage plus the client's address.
public struct TetherRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The socket peer's IP address, when the connection has one: the client, or a proxy in front.
    public let peerAddress: String?
    /// The client's IP address: the peer's, or the one a trusted proxy forwarded
    /// (``ClientAddressMiddleware`` sets it before any other middleware runs). Rate limits key on it.
    public internal(set) var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        let peer = source.channel.remoteAddress?.ipAddress
        self.peerAddress = peer
        self.clientAddress = peer.map { IPAddress($0)?.description ?? $0 }
    }
}
