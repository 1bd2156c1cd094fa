public import Foundation

/// The region servers a region directory file names (`protocols/sync.md`): the same file the
/// `tetherd` regions under test run with, read for each region's id and URL only.
public enum RegionDirectory {
    private struct File: Decodable {
        struct Region: Decodable {
            var id: String
            var url: String
        }

        var regions: [Region]
    }

    /// Each region's server URL by region id.
    ///
    /// - Throws: ``SimulationError`` naming the file when it cannot be read, is not a region
    ///   directory, or a URL is not `http(s)`.
    public static func servers(contentsOf file: URL) throws(SimulationError) -> [String: URL] {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw SimulationError("\(file.path): cannot be read (\(error.localizedDescription))")
        }
        let regions: [File.Region]
        do {
            regions = try JSONDecoder().decode(File.self, from: data).regions
        } catch {
            throw SimulationError("\(file.path): not a region directory file (protocols/sync.md): \(error)")
        }
        var servers: [String: URL] = [:]
        for region in regions {
            guard let url = URL(string: region.url), ["http", "https"].contains(url.scheme ?? ""), url.host != nil
            else {
                throw SimulationError("\(file.path): region \(region.id): url '\(region.url)' is not an http(s) URL")
            }
            guard servers.updateValue(url, forKey: region.id) == nil else {
                throw SimulationError("\(file.path): region \(region.id) is listed twice")
            }
        }
        return servers
    }
}
