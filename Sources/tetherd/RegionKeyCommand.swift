import ArgumentParser
import Foundation
import TetherCore
import TetherSync

/// `tetherd region-key init|rotate`: makes the region's key file and prints the public keys to
/// paste into its entry of the regions file.
struct RegionKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "region-key",
        abstract: "Make or rotate this region's key pair (Ed25519 for signing, X25519 for HPKE).",
        subcommands: [InitCommand.self, RotateCommand.self]
    )

    /// Where the key file is, and whose it is.
    struct Location: ParsableArguments {
        @Option(help: "The key file (env: TETHER_REGION_KEY; default <data-dir>.region-key).")
        var regionKey: String?

        @Option(
            name: .customLong("data-dir"),
            help: "The data directory (env: TETHER_DATA_DIR; default ./tether-data)."
        )
        var dataDirectory: String?

        /// The key file these options name.
        var file: URL {
            let environment = ProcessInfo.processInfo.environment
            if let path = self.regionKey ?? environment["TETHER_REGION_KEY"] { return URL(fileURLWithPath: path) }
            let data = self.dataDirectory ?? environment["TETHER_DATA_DIR"] ?? "tether-data"
            return RegionKeyring.defaultFile(dataDirectory: URL(fileURLWithPath: data, isDirectory: true))
        }
    }

    /// `tetherd region-key init --region R`.
    struct InitCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the key file if it is missing and print the region's public keys.",
            discussion: """
                Prints the JSON fields (signing_key, hpke_key) to add to this region's entry in the \
                regions file. Run again, it prints the same keys.
                """
        )

        @Option(help: "This server's region id (env: TETHER_REGION).")
        var region: String?

        @OptionGroup var location: Location

        func run() throws {
            let file = self.location.file
            let keyring: RegionKeyring
            do {
                if RegionKeyring.exists(at: file) {
                    keyring = try RegionKeyring.load(from: file)
                    if let region = self.regionID(), region != keyring.region {
                        throw ValidationError(
                            "\(file.path) holds the keys of region \(keyring.region), not \(region)"
                        )
                    }
                } else {
                    guard let region = self.regionID() else {
                        throw ValidationError("give the region the keys are for: --region R (or TETHER_REGION)")
                    }
                    keyring = RegionKeyring(region: region, pairs: [.generate()])
                    try keyring.write(to: file)
                    FileHandle.standardError.write(Data("created \(file.path) for region \(region)\n".utf8))
                }
            } catch let error as TetherError {
                throw ValidationError(error.detail)
            }
            print(keyring.listingJSON)
        }

        private func regionID() -> RegionID? {
            (self.region ?? ProcessInfo.processInfo.environment["TETHER_REGION"]).flatMap(RegionID.init(rawValue:))
        }
    }

    /// `tetherd region-key rotate`.
    struct RotateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Add a new key pair in front; the old ones stay for verification.",
            discussion: """
                Prints the fields for the region's entry: the new signing_key and hpke_key, and the \
                older keys under previous_keys, which peers keep accepting. Paste them into every \
                region's copy of the regions file, then restart this region: it signs with the new \
                key. Once the regions file no longer lists an old key, this region drops it from the \
                key file at its next start.
                """
        )

        @OptionGroup var location: Location

        func run() throws {
            let file = self.location.file
            do {
                let keyring = try RegionKeyring.load(from: file).rotated()
                try keyring.write(to: file)
                print(keyring.listingJSON)
            } catch {
                throw ValidationError(error.detail)
            }
        }
    }
}
