import Foundation

extension PhoneTree {
    /// How the regular files under `restored` differ from `files` (the tree as it was pushed),
    /// one line each: a file missing, one too many, or bytes that differ. Empty when they are
    /// the same byte for byte.
    func differences(of restored: URL, from files: [String: File]) -> [String] {
        var found: Set<String> = []
        var problems: [String] = []
        let root = restored.standardizedFileURL.path
        let walker = FileManager.default.enumerator(
            at: restored,
            includingPropertiesForKeys: [.isRegularFileKey],
            options: []
        )
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(root.count + 1))
            found.insert(path)
            guard let file = files[path] else {
                problems.append("\(path) was restored but was not in the tree")
                continue
            }
            guard let data = try? Data(contentsOf: url) else {
                problems.append("\(path) cannot be read back")
                continue
            }
            if data != self.contents(of: path, file) {
                problems.append("\(path) differs: \(data.count) bytes restored, \(file.size) pushed")
            }
        }
        for path in files.keys.sorted() where !found.contains(path) {
            problems.append("\(path) is missing")
        }
        return problems
    }
}
