extension TetherError {
    /// A peer request that does not prove which region sent it (`401 peer_unauthenticated`): no
    /// or a bad signature, a key the regions file does not list for the region it names, a time
    /// outside the window, a nonce seen before, or a body that is not the one signed. `reason`
    /// says which, for the sender's operator.
    public static func peerUnauthenticated(_ reason: String) -> TetherError {
        TetherError(
            code: "peer_unauthenticated",
            kind: .unauthenticated,
            detail: "The request does not prove which region sent it: \(reason)."
        )
    }

    /// A peer speaking another version of the peer protocol (`400 peer_protocol_unsupported`).
    public static func peerProtocolUnsupported(_ version: String?) -> TetherError {
        TetherError(
            code: "peer_protocol_unsupported",
            kind: .invalidInput,
            field: "Tether-Peer-Protocol",
            detail: "This region speaks peer protocol 2; the request "
                + (version.map { "speaks \($0)" } ?? "names none (protocol 1)")
                + ". Upgrade the calling region (README, \"Upgrading regions\")."
        )
    }

    /// A region writing what another region is the authority for (`403 peer_not_authority`):
    /// a directory entry of another region's account, a replica record of another home.
    public static func peerNotAuthority(_ peer: RegionID, field: String, _ detail: String) -> TetherError {
        TetherError(code: "peer_not_authority", kind: .forbidden, field: field, detail: "Region \(peer) \(detail).")
    }
}
