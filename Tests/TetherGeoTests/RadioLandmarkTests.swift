import Foundation
import PropertyBased
import Testing
import TetherGeo

/// `RadioLandmark` learning and `RadioPositionEstimator`.
struct RadioLandmarkTests {
    private static let berlin = coordinate(52.52, 13.405)

    @Test
    func learningUpToTheCapIsTheMeanOfTheFixes() async {
        let offsets = Gen.double(in: -0.01...0.01)
        let fixes = zip(offsets, offsets).array(of: 1...RadioLandmark.maxSamples)
        await propertyCheck(input: fixes) { fixes in
            let points = fixes.map { coordinate(52.52 + $0.0, 13.405 + $0.1) }
            let landmark = learned(points)
            let count = Double(points.count)
            #expect(landmark.samples == points.count)
            #expect(abs(landmark.position.latitude - points.map(\.latitude).reduce(0, +) / count) < 1e-9)
            #expect(abs(landmark.position.longitude - points.map(\.longitude).reduce(0, +) / count) < 1e-9)
        }
    }

    @Test
    func samplesAreCappedAndTheMeanKeepsMovingAfterwards() {
        let before = coordinate(52.52, 13.405)
        let after = offset(before, east: 500, north: 0)
        var landmark = learned(Array(repeating: before, count: 200))
        #expect(landmark.samples == RadioLandmark.maxSamples)
        #expect(landmark.position.distance(to: before) < 1e-6)
        #expect(landmark.spreadMeters < 1e-6)

        // Capped, every new fix moves the position 1/64 of the way: the distance left shrinks by
        // 63/64 per fix. An uncapped mean would still be 200/500 of the way back after 300 fixes.
        let start = landmark.position.distance(to: after)
        for _ in 0..<300 { landmark = landmark.learning(from: after) }
        #expect(landmark.samples == RadioLandmark.maxSamples)
        let expected = start * pow(63.0 / 64.0, 300)  // about 0.9 % of 500 m
        #expect(abs(landmark.position.distance(to: after) - expected) < 0.01)
    }

    @Test
    func spreadIsTheMeanDistanceOfTheFixesAndZeroForOnePlace() {
        #expect(RadioLandmark(firstHeardAt: Self.berlin).spreadMeters == 0)
        let east = offset(Self.berlin, east: 30, north: 0)
        let west = offset(Self.berlin, east: -30, north: 0)
        // The second fix is 60 m from the first: half of it over two samples.
        #expect(abs(learned([east, west]).spreadMeters - 30) < 0.01)
        // Fixes around a 50 m circle: every fix and every running mean lie inside the circle,
        // so no distance exceeds its 100 m diameter.
        let circle = (0..<64).map {
            Earth.destination(from: Self.berlin, bearing: Double($0 * 137 % 360), distance: 50)
        }
        let spread = learned(circle).spreadMeters
        #expect(spread > 25 && spread <= 100)
    }

    @Test
    func noObservationsGiveNoEstimate() {
        #expect(RadioPositionEstimator.estimate([], minimumAccuracyMeters: 20) == nil)
    }

    @Test
    func oneTransmitterIsTheEstimateWithTwiceItsSpreadAsAccuracy() throws {
        let landmark = RadioLandmark(position: Self.berlin, samples: 10, spreadMeters: 35)
        let estimate = try #require(
            RadioPositionEstimator.estimate([.init(landmark: landmark, rssi: -70)], minimumAccuracyMeters: 20)
        )
        // Weighting and dividing back may leave a rounding error.
        #expect(estimate.position.distance(to: Self.berlin) < 1e-6)
        #expect(abs(estimate.accuracyMeters - 70) < 1e-6)
        let tight = RadioLandmark(position: Self.berlin, samples: 10, spreadMeters: 5)
        #expect(
            RadioPositionEstimator.estimate([.init(landmark: tight, rssi: -70)], minimumAccuracyMeters: 20)?
                .accuracyMeters == 20
        )
    }

    @Test
    func louderTransmittersWeighMore() throws {
        let a = RadioLandmark(firstHeardAt: Self.berlin)
        let b = RadioLandmark(firstHeardAt: offset(Self.berlin, east: 110, north: 0))
        let equal = try #require(
            RadioPositionEstimator.estimate(
                [.init(landmark: a, rssi: -60), .init(landmark: b, rssi: -60)],
                minimumAccuracyMeters: 1
            )
        )
        #expect(abs(equal.position.distance(to: a.position) - 55) < 0.01)
        // 20 dB louder is ten times the amplitude: the estimate sits 1/11 of the way from a to b.
        let louderA = try #require(
            RadioPositionEstimator.estimate(
                [.init(landmark: a, rssi: -40), .init(landmark: b, rssi: -60)],
                minimumAccuracyMeters: 1
            )
        )
        #expect(abs(louderA.position.distance(to: a.position) - 10) < 0.01)
        let louderB = try #require(
            RadioPositionEstimator.estimate(
                [.init(landmark: a, rssi: -60), .init(landmark: b, rssi: -40)],
                minimumAccuracyMeters: 1
            )
        )
        #expect(abs(louderB.position.distance(to: b.position) - 10) < 0.01)
    }

    @Test
    func raisingOneTransmittersSignalMovesTheEstimateTowardsIt() async {
        let landmarks = [(0.0, 0.0), (80, 10), (-30, 70), (20, -60)].map {
            RadioLandmark(firstHeardAt: offset(Self.berlin, east: $0.0, north: $0.1))
        }
        let rssis = Gen.int(in: -100 ... -30).array(of: landmarks.count)
        await propertyCheck(input: rssis, Gen.int(in: 0...(landmarks.count - 1)), Gen.int(in: 1...30)) {
            rssis,
            index,
            raise in
            func estimate(_ rssis: [Int]) throws -> Coordinate {
                let observations = zip(landmarks, rssis).map {
                    RadioPositionEstimator.Observation(landmark: $0, rssi: $1)
                }
                return try #require(RadioPositionEstimator.estimate(observations, minimumAccuracyMeters: 1)).position
            }
            var raised = rssis
            raised[index] += raise
            let target = landmarks[index].position
            let before = try estimate(rssis).distance(to: target)
            #expect(try estimate(raised).distance(to: target) < before)
        }
    }

    /// Access points every 40 m on a 5 × 5 grid (160 m square); the device anywhere in the central
    /// cell; RSSI from the log-distance path-loss model with -40 dBm at 1 m, exponent 2.7 (urban,
    /// through walls) and ±6 dB of shadowing, rounded to whole dBm as on the wire.
    ///
    /// The amplitude-weighted centroid is pulled towards the grid's centre, so it is not exact. An
    /// independent model of this scenario (Python, 20,000 positions) erred by at most about 24 m,
    /// the weighted RMS distance of the access points (the accuracy radius) always exceeded the
    /// error by more than 15 m, and the mean error was about half the mean distance from the
    /// grid's centre. The bounds below are those with margin: 40 m for any one estimate, and a mean
    /// error under three quarters of what always guessing the centre would give (which a weighting
    /// that ignores RSSI would do; inverted weights err by over 50 m).
    @Test
    func aGridOfAccessPointsLocatesTheDevice() async {
        let grid = (-2...2).flatMap { column in (-2...2).map { row in (Double(column) * 40, Double(row) * 40) } }
        let landmarks = grid.map { RadioLandmark(firstHeardAt: offset(Self.berlin, east: $0.0, north: $0.1)) }
        let cell = Gen.double(in: -20...20)
        let shadowing = Gen.double(in: -6...6).array(of: grid.count)
        var errors: [Double] = []
        var centreDistances: [Double] = []
        await propertyCheck(count: 500, input: cell, cell, shadowing) { east, north, noise in
            let truth = offset(Self.berlin, east: east, north: north)
            let observations = zip(landmarks, noise).map { landmark, noise in
                RadioPositionEstimator.Observation(
                    landmark: landmark,
                    rssi: pathLossRSSI(truth, landmark.position, noise: noise)
                )
            }
            let estimate = try #require(RadioPositionEstimator.estimate(observations, minimumAccuracyMeters: 20))
            let error = estimate.position.distance(to: truth)
            #expect(error < 40)
            #expect(error < estimate.accuracyMeters, "the truth lies inside the accuracy circle")
            errors.append(error)
            centreDistances.append(truth.distance(to: Self.berlin))
        }
        #expect(errors.count == 500)
        #expect(errors.reduce(0, +) < 0.75 * centreDistances.reduce(0, +))
    }

    @Test
    func aDeviceAtTheGridsCentreIsLocatedExactly() throws {
        // By symmetry every pull cancels out: only the metre-scale flat-Earth offsets remain.
        let grid = (-2...2).flatMap { column in (-2...2).map { row in (Double(column) * 40, Double(row) * 40) } }
        let observations = grid.map { east, north in
            let landmark = RadioLandmark(firstHeardAt: offset(Self.berlin, east: east, north: north))
            return RadioPositionEstimator.Observation(
                landmark: landmark,
                rssi: pathLossRSSI(Self.berlin, landmark.position, noise: 0)
            )
        }
        let estimate = try #require(RadioPositionEstimator.estimate(observations, minimumAccuracyMeters: 20))
        #expect(estimate.position.distance(to: Self.berlin) < 0.5)
    }

    @Test
    func fixesEitherSideOfTheAntimeridianLearnAPositionBetweenThem() {
        // Taveuni (Fiji) lies across 180°: an access point there is heard from both sides.
        let east = coordinate(-16.8, 179.9999)
        let west = coordinate(-16.8, -179.9999)
        let landmark = learned([east, west])
        #expect(landmark.position.distance(to: east) < 25)
        #expect(landmark.position.distance(to: west) < 25)
    }
}

/// The landmark learned from `fixes` in order.
private func learned(_ fixes: [Coordinate]) -> RadioLandmark {
    fixes.dropFirst().reduce(RadioLandmark(firstHeardAt: fixes[0])) { $0.learning(from: $1) }
}

/// The point `east` and `north` metres from `origin` (flat Earth: fine over a few hundred metres).
private func offset(_ origin: Coordinate, east: Double, north: Double) -> Coordinate {
    let metresPerDegree = Earth.meanRadius * Double.pi / 180
    return coordinate(
        origin.latitude + north / metresPerDegree,
        origin.longitude + east / (metresPerDegree * cos(origin.latitude * Double.pi / 180))
    )
}

/// RSSI at `receiver` from a transmitter at `transmitter`: -40 dBm at 1 m, path-loss exponent 2.7.
private func pathLossRSSI(_ receiver: Coordinate, _ transmitter: Coordinate, noise: Double) -> Int {
    let distance = max(1, receiver.distance(to: transmitter))
    return Int((-40 - 27 * log10(distance) + noise).rounded())
}
