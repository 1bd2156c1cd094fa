import Foundation
import TetherDomain
import TetherGeo

/// libFuzzer entry point: any bytes as a fence's `geojson`, read as the server reads it
/// (``FenceShape``) and as TetherGeo reads a `FeatureCollection`. Either answers with a fence or
/// an error, never a crash; a fence that parses must answer containment and distance for a point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    var fences: [FenceGeometry] = []
    if let fence = try? FenceShape.geometry(data: body) {
        fences.append(fence)
        _ = try? FenceShape.normalizedFeature(data: body)
    }
    if let collection = try? JSONDecoder().decode(FenceCollection.self, from: body) {
        fences += collection.fences
    }
    guard let probe = try? Coordinate(latitude: 52.52, longitude: 13.405) else { return 0 }
    for fence in fences {
        _ = fence.contains(probe)
        _ = fence.distanceToBoundary(from: probe)
    }
    return 0
}
