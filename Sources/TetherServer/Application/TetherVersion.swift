/// The version of this build of Tether.
public enum TetherVersion {
    /// The version string reported by `/health` and `--version`.
    public static let current = "0.1.0"
}
