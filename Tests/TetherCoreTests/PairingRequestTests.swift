import Foundation
import Testing
import TetherCore

struct PairingRequestTests {
    private let issued = Date(timeIntervalSince1970: 1_767_225_600)

    private func request(claimedAt: Date? = nil) -> PairingRequest {
        PairingRequest(
            id: .random(),
            account: .random(),
            codeHash: "digest",
            createdAt: self.issued,
            expiresAt: self.issued.addingTimeInterval(600),
            claimedAt: claimedAt,
            claimedBy: claimedAt == nil ? nil : .random()
        )
    }

    @Test
    func pendingUntilItExpires() {
        let request = self.request()
        #expect(request.state(at: self.issued) == .pending)
        #expect(request.state(at: self.issued.addingTimeInterval(599.999)) == .pending)
        #expect(request.state(at: self.issued.addingTimeInterval(600)) == .expired)
        #expect(request.state(at: self.issued.addingTimeInterval(86_400)) == .expired)
    }

    @Test
    func claimedStaysClaimedAfterTheExpiry() {
        let request = self.request(claimedAt: self.issued.addingTimeInterval(30))
        #expect(request.state(at: self.issued.addingTimeInterval(31)) == .claimed)
        #expect(request.state(at: self.issued.addingTimeInterval(601)) == .claimed)
    }

    @Test
    func statesUseTheWireNames() {
        #expect(PairingState.pending.rawValue == "pending")
        #expect(PairingState.claimed.rawValue == "claimed")
        #expect(PairingState.expired.rawValue == "expired")
    }
}
