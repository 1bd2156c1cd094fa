import Foundation
import TetherGeo

/// The files of one workload folder made by `../shared/bench/gen_workload.py`.
struct Workload {
    let directory: URL

    /// `fences.geojson` as fence geometries; fence `i` is feature `i`.
    func fences() throws -> [FenceGeometry] {
        let data = try Data(contentsOf: self.directory.appendingPathComponent("fences.geojson"))
        return try JSONDecoder().decode(FenceCollection.self, from: data).fences
    }

    /// `points.csv` (`device_id,ts_ms,lat,lon,accuracy_m`): latitudes and longitudes, in row order.
    func points() throws -> (latitudes: [Double], longitudes: [Double]) {
        try Self.columns(of: self.directory.appendingPathComponent("points.csv"), latitude: 2, longitude: 3)
    }

    /// `phones.csv` (`phone_lat,phone_lon`): one phone per point row.
    func phones() throws -> (latitudes: [Double], longitudes: [Double]) {
        try Self.columns(of: self.directory.appendingPathComponent("phones.csv"), latitude: 0, longitude: 1)
    }

    /// Reads two numeric columns of a CSV file with a header row.
    static func columns(
        of url: URL,
        latitude: Int,
        longitude: Int
    ) throws -> (latitudes: [Double], longitudes: [Double]) {
        let data = try Data(contentsOf: url)
        var latitudes: [Double] = []
        var longitudes: [Double] = []
        latitudes.reserveCapacity(data.count / 40)
        longitudes.reserveCapacity(data.count / 40)
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).makeIterator()
        _ = lines.next()  // header
        for line in lines {
            let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            guard fields.count > max(latitude, longitude),
                let lat = Double(String(decoding: fields[latitude], as: UTF8.self)),
                let lon = Double(String(decoding: fields[longitude], as: UTF8.self))
            else {
                throw WorkloadError("\(url.lastPathComponent): unreadable row \(latitudes.count + 1)")
            }
            latitudes.append(lat)
            longitudes.append(lon)
        }
        return (latitudes, longitudes)
    }
}

struct WorkloadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
