import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

/// Webhook posts are fair across accounts, and their target is checked again when posted.
@Suite struct WebhookDeliveryTests {
    @Test func aReceiverThatNeverAnswersDoesNotHoldUpAnotherAccountsAlert() async throws {
        try await WebhookReceiver.withRunning(answering: [200], holding: true) { dead, deadURL in
            try await WebhookReceiver.withRunning(answering: [200]) { live, liveURL in
                try await TestServer.withRunning(config: .alerting) { server in
                    let ada = try await server.household("ada@example.org")
                    let bob = try await server.household("bob@example.org")
                    _ = try await ada.client.setWebhook(body: .json(.init(url: deadURL.absoluteString))).ok
                    _ = try await bob.client.setWebhook(body: .json(.init(url: liveURL.absoluteString))).ok
                    // Ada's receiver takes her posts and never answers; sixty SOS alerts of hers
                    // are queued (each press is its own alert).
                    let presses = (0..<60).map { Wire.sos(alertEpoch + Int64($0) * 1_000) }
                    try await server.send(presses, as: ada.tracker)
                    try await eventually { await dead.arrivals >= 1 }

                    // Bob's SOS reaches his receiver while every post to Ada's hangs unanswered
                    // (the old deliverer's pass waited for all of hers, 10 s per eight).
                    try await server.send([Wire.sos(alertEpoch + 120_000)], as: bob.tracker)
                    try await eventually { await live.posts.count == 1 }
                    let sos = try #require(try await bob.alerts().first)
                    #expect(await live.posts.map(\.alertID) == [sos.id])
                    #expect(await dead.posts.isEmpty)
                    // Ada's posts are in flight two at a time, not sixty at once.
                    #expect(await dead.arrivals <= 2)
                }
            }
        }
    }

    @Test func aQueuedPostIsCheckedAgainWhenSent() async throws {
        try await WebhookReceiver.withRunning(answering: [200]) { receiver, url in
            let directory = TemporaryDirectory.make()
            defer { TemporaryDirectory.remove(directory) }
            // Set while the server allowed any target, to 127.1: the loopback address in a form a
            // check of the URL's text did not see.
            let port = try #require(url.port)
            let hook = try #require(URL(string: "http://127.1:\(port)/hook"))
            let household = try await TestServer.withRunning(config: .alerting, dataDirectory: directory) { server in
                let household = try await server.household()
                _ = try await household.client.setWebhook(body: .json(.init(url: hook.absoluteString))).ok
                return household
            }
            var publicOnly = ServerConfig.alerting
            publicOnly.webhookTargets = .publicOnly
            try await TestServer.withRunning(config: publicOnly, dataDirectory: directory) { server in
                try await server.send([Wire.sos(alertEpoch)], as: household.tracker)
                // Every attempt due has been made (and refused), and a later pass has nothing left.
                try await server.jobs.drain(.webhookDeliverer, .webhookDeliverer)
                #expect(await receiver.arrivals == 0)
            }
        }
    }

    @Test func aLocalNameIsPostedToWhenAnyTargetIsAllowed() async throws {
        try await WebhookReceiver.withRunning(answering: [200]) { receiver, url in
            try await TestServer.withRunning(config: .alerting) { server in
                let household = try await server.household()
                let port = try #require(url.port)
                let hook = "http://localhost:\(port)/hook"
                _ = try await household.client.setWebhook(body: .json(.init(url: hook))).ok
                try await server.send([Wire.sos(alertEpoch)], as: household.tracker)
                try await server.jobs.drain(.webhookDeliverer)
                #expect(await receiver.posts.count == 1)
            }
        }
    }
}
