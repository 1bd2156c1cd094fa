import PropertyBased
import Testing
import TetherGeo

struct CoordinateTests {
    @Test(arguments: [
        (Double.nan, 0.0, "latitude"), (91, 0, "latitude"), (-90.5, 0, "latitude"), (0, 180.01, "longitude"),
        (0, .infinity, "longitude"), (0, .nan, "longitude"),
    ])
    func invalidValuesAreRefusedNamingTheField(latitude: Double, longitude: Double, field: String) {
        #expect(throws: GeoError.self) { try Coordinate(latitude: latitude, longitude: longitude) }
        do {
            _ = try Coordinate(latitude: latitude, longitude: longitude)
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func theEdgesOfTheRangesAreValid() throws {
        for (latitude, longitude) in [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0)] {
            let point = try Coordinate(latitude: latitude, longitude: longitude)
            #expect(point.latitude == latitude && point.longitude == longitude)
        }
    }
}

struct DistanceTests {
    @Test func oneDegreeOfTheEquatorIsTwoPiROver360() {
        let distance = Earth.distance(coordinate(0, 0), coordinate(0, 1))
        #expect(abs(distance - 2 * Double.pi * Earth.meanRadius / 360) < 1e-6)
    }

    @Test func berlinToParisIsAbout878Kilometres() {
        let distance = coordinate(52.5200, 13.4050).distance(to: coordinate(48.8566, 2.3522))
        #expect(abs(distance - 877_460) < 1_000)
    }

    @Test func distanceAcrossTheAntimeridianIsShort() {
        let distance = Earth.distance(coordinate(10, 179.999), coordinate(10, -179.999))
        #expect(distance > 200 && distance < 230)
    }

    @Test func destinationAndBearingInvertEachOther() async {
        await propertyCheck(
            input: Gen.double(in: -80...80),
            Gen.double(in: -179...179),
            Gen.double(in: 0..<360),
            Gen.double(in: 1...500_000)
        ) { latitude, longitude, bearing, distance in
            let start = coordinate(latitude, longitude)
            let end = Earth.destination(from: start, bearing: bearing, distance: distance)
            #expect(abs(Earth.distance(start, end) - distance) < 1e-6 * distance + 1e-6)
            let back = Earth.bearing(from: start, to: end)
            let difference = abs(back - bearing).truncatingRemainder(dividingBy: 360)
            #expect(min(difference, 360 - difference) < 1e-6)
        }
    }

    @Test func theSeparationKernelAgreesWithTheTextbookFormula() async {
        await propertyCheck(
            input: Gen.double(in: -89...89),
            Gen.double(in: -180...180),
            Gen.double(in: -0.3...0.3),
            Gen.double(in: -0.3...0.3)
        ) { latitude, longitude, deltaLatitude, deltaLongitude in
            var otherLongitude = longitude + deltaLongitude
            if otherLongitude > 180 { otherLongitude -= 360 }
            if otherLongitude < -180 { otherLongitude += 360 }
            let otherLatitude = max(-90, min(90, latitude + deltaLatitude))
            let fast = Separation.distance(
                latitude1: latitude,
                longitude1: longitude,
                latitude2: otherLatitude,
                longitude2: otherLongitude
            )
            let reference = Earth.haversine(
                latitude1: latitude,
                longitude1: longitude,
                latitude2: otherLatitude,
                longitude2: otherLongitude
            )
            // Far below a micrometre for every separation the anti-lost check sees.
            #expect(abs(fast - reference) <= 1e-9 * max(1, reference) + 1e-7)
        }
    }

    @Test func batchSeparationFillsOneDistancePerPair() {
        let pairs = [
            (coordinate(0, 0), coordinate(0, 0.001)), (coordinate(52.5, 13.4), coordinate(52.5, 13.4)),
            (coordinate(10, 179.9999), coordinate(10, -179.9999)),
        ]
        let distances = Separation.distances(pairs.map { (device: $0.0, phone: $0.1) })
        #expect(distances.count == 3)
        #expect(abs(distances[0] - 111.195) < 0.01)
        #expect(distances[1] == 0)
        #expect(abs(distances[2] - 21.9) < 0.1)
    }
}
