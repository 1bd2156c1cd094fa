import Foundation
import Testing
import TetherCore
import TetherDomain
import TetherGeo

/// Learning landmark positions from scans taken at a GNSS fix, and estimating a position for
/// scans taken without one.
struct ScanPositionDerivationTests {
    private static let centre = coordinate(52.52, 13.405)
    private static let a = "02:00:00:00:00:0a"
    private static let b = "02:00:00:00:00:0b"
    private static let c = "02:00:00:00:00:0c"

    /// Three access points known around the centre.
    private static let known: [String: RadioLandmark] = [
        RadioScan.wifiKey(a): RadioLandmark(
            position: offset(centre, east: -40, north: 0),
            samples: 10,
            spreadMeters: 15
        ),
        RadioScan.wifiKey(b): RadioLandmark(
            position: offset(centre, east: 40, north: 0),
            samples: 10,
            spreadMeters: 15
        ),
        RadioScan.wifiKey(c): RadioLandmark(
            position: offset(centre, east: 0, north: 40),
            samples: 10,
            spreadMeters: 15
        ),
    ]

    @Test(arguments: [0, 30, -30] as [Int64])
    func aScanWithin30sOfAGoodFixTeachesTheFixToWhatItHeard(secondsAfterFix: Int64) {
        let writes = derive([
            event(1_000, gnss(Self.centre, accuracy: 100)),
            event(1_000 + secondsAfterFix, wifi((Self.a, -50), (Self.b, -70))),
        ])
        let taught = LandmarkUpdate(
            landmark: RadioLandmark(firstHeardAt: Self.centre),
            updatedAt: Times.at(1_000 + secondsAfterFix)
        )
        #expect(writes.landmarks == [RadioScan.wifiKey(Self.a): taught, RadioScan.wifiKey(Self.b): taught])
        #expect(writes.estimates.isEmpty)
    }

    @Test
    func aKnownLandmarkFoldsTheFixIntoItsPosition() {
        let fix = offset(Self.centre, east: -30, north: 0)
        let writes = derive([event(1_000, gnss(fix)), event(1_005, wifi((Self.a, -50)))], landmarks: Self.known)
        let key = RadioScan.wifiKey(Self.a)
        #expect(writes.landmarks[key]?.landmark == Self.known[key]?.learning(from: fix))
    }

    @Test
    func theLastKnownFixTeachesAScanOfTheNextBatch() {
        let before = derive([event(1_000, gnss(Self.centre))]).state
        let writes = derive([event(1_020, wifi((Self.a, -50)))], state: before)
        #expect(writes.landmarks.keys.sorted() == [RadioScan.wifiKey(Self.a)])
    }

    @Test
    func farOffOrPoorFixesTeachNothing() {
        let tooLate = derive([event(1_000, gnss(Self.centre)), event(1_031, wifi((Self.a, -50)))])
        let tooCoarse = derive([event(1_000, gnss(Self.centre, accuracy: 101)), event(1_001, wifi((Self.a, -50)))])
        let notGNSS = derive([
            event(1_000, .location(LocationFix(latitude: 52.52, longitude: 13.405, accuracyMeters: 5, source: .wifi))),
            event(1_001, wifi((Self.a, -50))),
        ])
        for writes in [tooLate, tooCoarse, notGNSS] {
            #expect(writes.landmarks.isEmpty)
            #expect(writes.estimates.isEmpty, "no landmark is known, so there is nothing to estimate from")
        }
    }

    @Test
    func aScanWithoutAFixIsLocatedFromTheKnownLandmarks() throws {
        let scan = event(5_000, wifi((Self.a, -60), (Self.b, -60), (Self.c, -60), ("02:00:00:00:00:ff", -40)))
        let writes = derive([scan], landmarks: Self.known)
        let estimate = try #require(writes.estimates.first)
        #expect(writes.estimates.count == 1)
        #expect(estimate.id == TelemetryDerivation.estimateID(for: scan.id))
        #expect(estimate.timestamp == scan.timestamp)
        guard case .location(let fix) = estimate.payload else {
            Issue.record("not a location: \(estimate)")
            return
        }
        #expect(fix.source == .estimated)
        // Equally loud from three points: their centroid (the unknown one does not count).
        let expected = try #require(
            RadioPositionEstimator.estimate(
                [Self.a, Self.b, Self.c].map { .init(landmark: Self.known[RadioScan.wifiKey($0)]!, rssi: -60) },
                minimumAccuracyMeters: 20
            )
        )
        #expect(Earth.distance(coordinate(fix.latitude, fix.longitude), expected.position) < 0.01)
        #expect(fix.accuracyMeters == (expected.accuracyMeters * 10).rounded() / 10)
        #expect(writes.state.location == fix)
        #expect(writes.state.locationTime == scan.timestamp)
        #expect(writes.stored == [scan, estimate])
        #expect(writes.landmarks.isEmpty)
    }

    @Test
    func aScanHearingNothingKnownGetsNoEstimate() {
        let writes = derive([event(5_000, wifi(("02:00:00:00:00:ff", -40)))], landmarks: Self.known)
        #expect(writes.estimates.isEmpty)
        #expect(writes.state.location == nil)
    }

    @Test
    func aCellEstimateClaimsNoBetterThan300Metres() throws {
        let tower = CellTowerReading(mcc: 262, mnc: 1, tac: 40_001, cellID: 77)
        let writes = derive(
            [event(5_000, .cellTowers([tower]))],
            landmarks: [RadioScan.cellKey(tower.towerKey): RadioLandmark(firstHeardAt: Self.centre)]
        )
        guard case .location(let fix) = try #require(writes.estimates.first).payload else {
            Issue.record("no location estimate")
            return
        }
        #expect(fix.accuracyMeters == 300)
        #expect(Earth.distance(coordinate(fix.latitude, fix.longitude), Self.centre) < 0.01)
    }

    @Test
    func aDuplicateTransmitterCountsOnceAtItsLoudest() throws {
        let once = derive([event(5_000, wifi((Self.a, -40), (Self.b, -80)))], landmarks: Self.known)
        let twice = derive([event(5_000, wifi((Self.a, -90), (Self.b, -80), (Self.a, -40)))], landmarks: Self.known)
        #expect(twice.estimates.map(\.payload) == once.estimates.map(\.payload))
        #expect(!once.estimates.isEmpty)
        // And it teaches once: one sample, not two.
        let taught = derive([event(1_000, gnss(Self.centre)), event(1_001, wifi((Self.a, -90), (Self.a, -40)))])
        #expect(taught.landmarks[RadioScan.wifiKey(Self.a)]?.landmark.samples == 1)
        #expect(RadioScan(wifi((Self.a, -90), (Self.b, -80), (Self.a, -40)))?.heard.map(\.rssi) == [-40, -80])
    }

    @Test
    func whatAScanTaughtLocatesALaterScanOfTheSameBatch() throws {
        let writes = derive([
            event(1_000, gnss(Self.centre)),
            event(1_010, wifi((Self.a, -50))),
            event(9_000, wifi((Self.a, -50))),
        ])
        guard case .location(let fix) = try #require(writes.estimates.first).payload else {
            Issue.record("no location estimate")
            return
        }
        #expect(Earth.distance(coordinate(fix.latitude, fix.longitude), Self.centre) < 0.01)
        #expect(writes.estimates.first?.timestamp == Times.at(9_000))
    }

    @Test
    func anEstimateMovesOnlyAnOlderPosition() {
        let newer = DerivedDeviceState(
            location: LocationFix(latitude: 1, longitude: 1, accuracyMeters: 5, source: .gnss),
            locationTime: Times.at(9_000)
        )
        let writes = derive([event(5_000, wifi((Self.a, -50)))], state: newer, landmarks: Self.known)
        #expect(writes.estimates.count == 1)
        #expect(writes.state.location == newer.location)
        #expect(writes.state.locationTime == Times.at(9_000))
    }

    @Test
    func anEstimateTheStoreCouldNotKeepLeavesThePositionAlone() {
        let scan = event(5_000, wifi((Self.a, -50)))
        var writes = derive([scan], landmarks: Self.known)
        #expect(writes.state.location != nil)
        writes.keepEstimates(storedIDs: [])
        #expect(writes.estimates.isEmpty)
        #expect(writes.state.location == nil)
        #expect(writes.stored == [scan])
    }

    @Test
    func theEstimateIDIsFixedAndNotTheScans() {
        let scan = UUID()
        #expect(TelemetryDerivation.estimateID(for: scan) == TelemetryDerivation.estimateID(for: scan))
        #expect(TelemetryDerivation.estimateID(for: scan) != scan)
        #expect(TelemetryDerivation.estimateID(for: TelemetryDerivation.estimateID(for: scan)) == scan)
        // Pinned: stored estimates keep their ids across versions.
        let pinned = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!
        #expect(TelemetryDerivation.estimateID(for: pinned).uuidString == "A5A5A5A5-A5A5-A5A5-A5A5-A5A5A5A5A5A5")
    }

    @Test
    func theLandmarkKeysAreThoseOfTheScans() {
        let tower = CellTowerReading(mcc: 262, mnc: 1, lac: 5, cellID: 77)
        let keys = RadioScan.landmarkKeys(in: [
            event(1, wifi((Self.a, -50), (Self.a, -60))),
            event(2, .cellTowers([tower])),
            event(3, gnss(Self.centre)),
        ])
        #expect(keys == ["wifi:02:00:00:00:00:0a", "cell:262-1-5-77"])
    }
}
