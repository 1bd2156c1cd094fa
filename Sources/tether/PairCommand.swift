import ArgumentParser
import Foundation
import TetherAPI

/// `tether pair …`: pairing codes for new devices.
struct PairCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair",
        abstract: "Pair a new device with a one-time code.",
        subcommands: [Start.self]
    )

    /// `tether pair start`: asks for a code, prints it, and waits until a device claims it.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Get a one-time pairing code and wait for a device to claim it.",
            discussion:
                "With --json, prints the code object, then (when waiting) the paired device, one JSON value per line."
        )

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Print the code and return at once instead of waiting for the claim.")
        var noWait = false

        @Option(help: "Seconds between checks while waiting.")
        var pollInterval: Double = 1

        func run() async throws {
            let output = Output(self.global)
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let code = try await connection.call { try await $0.createPairingCode().created.body.json }
            try output.emit(PairingCodeOutput(code: code)) {
                "Pairing code: \(code.code) (expires \(Output.time(code.expiresAt)))\n"
                    + "On the device, run: tether device claim \(code.code) --serial SERIAL --model MODEL"
            }
            guard !self.noWait else { return }
            if !output.json {
                print("Waiting for a device to claim it…")
            }
            let interval = max(0.1, self.pollInterval)
            while true {
                try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                let status = try await connection.call {
                    try await $0.getPairingCode(path: .init(pairingId: code.id)).ok.body.json
                }
                switch status.state {
                case .pending:
                    continue
                case .expired:
                    throw CLIError("the pairing code expired before a device claimed it")
                case .claimed:
                    guard let device = status.device else { throw CLIError("the claimed device was removed") }
                    let deviceOutput = DeviceOutput(device: device)
                    try output.emit(deviceOutput) { "Paired:\n" + deviceOutput.text }
                    return
                }
            }
        }
    }
}

/// `{"id", "code", "expires_at"}`.
struct PairingCodeOutput: Encodable {
    let code: Components.Schemas.PairingCode

    enum CodingKeys: String, CodingKey {
        case id, code
        case expiresAt = "expires_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.code.id, forKey: .id)
        try container.encode(self.code.code, forKey: .code)
        try container.encode(self.code.expiresAt, forKey: .expiresAt)
    }
}
