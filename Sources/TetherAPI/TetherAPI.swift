// The types, `Client` and `APIProtocol` of this module are generated at build time from
// `openapi.yaml` (a link to `protocols/openapi.yaml`) by swift-openapi-generator's build plugin.

/// The version of the HTTP contract the generated code was built from.
public enum TetherAPIContract {
    /// `info.version` of `protocols/openapi.yaml`.
    public static let version = "1.0.0"
}
