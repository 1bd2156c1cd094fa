import ArgumentParser
import Foundation
import TetherAPI

extension AccountCommand {
    /// `tether account emergency-contact …`: who is shown with every `sos` alert.
    struct EmergencyContact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "emergency-contact",
            abstract: "Set or show the emergency contact shown with SOS alerts.",
            subcommands: [SetContact.self, Show.self]
        )

        struct SetContact: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "set", abstract: "Set the emergency contact.")

            @OptionGroup var global: GlobalOptions

            @Option(help: "The contact's name.")
            var name: String

            @Option(help: "The contact's phone number, e.g. +49 30 1234567.")
            var phone: String

            func run() async throws {
                let (connection, _) = try ServerConnection.signedIn(self.global)
                let request = Components.Schemas.EmergencyContact(name: self.name, phone: self.phone)
                let contact = try await connection.call {
                    try await $0.setEmergencyContact(body: .json(request)).ok.body.json
                }
                let output = ContactOutput(contact: contact)
                try Output(self.global).emit(output) { "Emergency contact set: \(output.text)" }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the emergency contact (with --json, null values when none is set)."
            )

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let (connection, _) = try ServerConnection.signedIn(self.global)
                let contact = try await connection.optional {
                    try await $0.getEmergencyContact().ok.body.json
                }
                let output = ContactOutput(contact: contact)
                try Output(self.global).emit(output) {
                    contact == nil
                        ? "No emergency contact: set one with 'tether account emergency-contact set'."
                        : "Emergency contact: \(output.text)"
                }
            }
        }
    }

    /// `tether account webhook …`: the URL that receives alerts, signed with a secret.
    struct Webhook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set, show or remove the URL that receives alerts.",
            subcommands: [SetURL.self, Show.self, Remove.self]
        )

        struct SetURL: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set",
                abstract: "Send alerts to URL, signed with a new secret that is printed once."
            )

            @OptionGroup var global: GlobalOptions

            @Argument(help: "An http or https URL.")
            var url: String

            func run() async throws {
                let (connection, _) = try ServerConnection.signedIn(self.global)
                let webhook = try await connection.call {
                    try await $0.setWebhook(body: .json(.init(url: self.url))).ok.body.json
                }
                let output = WebhookOutput(webhook: webhook)
                try Output(self.global).emit(output) {
                    "Alerts go to \(webhook.url).\n"
                        + "Signing secret (shown once; HMAC-SHA256 of each body): \(webhook.secret ?? "?")"
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the webhook (its secret is not shown again; null values when none is set)."
            )

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let (connection, _) = try ServerConnection.signedIn(self.global)
                let webhook = try await connection.optional { try await $0.getWebhook().ok.body.json }
                let output = WebhookOutput(webhook: webhook)
                try Output(self.global).emit(output) {
                    guard let webhook else { return "No webhook: set one with 'tether account webhook set URL'." }
                    return "Alerts go to \(webhook.url) (since \(Output.time(webhook.createdAt)))."
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Stop sending alerts to the webhook.")

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let (connection, _) = try ServerConnection.signedIn(self.global)
                let webhook = try await connection.call { try await $0.removeWebhook().ok.body.json }
                let output = WebhookOutput(webhook: webhook)
                try Output(self.global).emit(output) { "Removed the webhook to \(webhook.url)." }
            }
        }
    }
}
