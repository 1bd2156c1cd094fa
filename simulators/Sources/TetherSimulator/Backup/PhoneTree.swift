import Foundation
import TetherCore

/// The phone's files as the run made them: on disk under ``root`` and as a model of what each
/// file holds. A file's bytes follow from the scenario's seed, the owner, its path and its
/// version, so any version can be made again to compare a restore with.
struct PhoneTree: Sendable {
    /// One file: its size and how many times it was rewritten.
    struct File: Sendable, Hashable {
        var size: Int
        var version: Int
    }

    /// What an edit did, by path.
    struct Edit: Sendable {
        var changed: [String] = []
        var added: [String] = []
        var deleted: [String] = []
        var touched: [String] = []
    }

    /// The folder pushed; its name (`phone`) is the snapshot's top-level entry.
    let root: URL
    let spec: BackupTreeSpec
    let seed: UInt64
    let owner: String
    /// Every file by its path under ``root``.
    private(set) var files: [String: File] = [:]
    private var nextNumber = 1
    private var edits = 0

    /// Makes the tree of `spec` under `directory/phone`.
    init(spec: BackupTreeSpec, seed: UInt64, owner: String, in directory: URL) throws {
        self.root = directory.appendingPathComponent("phone", isDirectory: true)
        self.spec = spec
        self.seed = seed
        self.owner = owner
        var random = SplitMix64Source(seed: seed, label: "backup/\(owner)/tree")
        for folder in spec.folders {
            try FileManager.default.createDirectory(
                at: self.root.appendingPathComponent(folder, isDirectory: true),
                withIntermediateDirectories: true
            )
        }
        for _ in 0..<spec.files {
            try self.add(random: &random)
        }
    }

    /// Bytes of all the files.
    var bytes: Int64 { self.files.values.reduce(0) { $0 + Int64($1.size) } }

    /// The bytes `file` at `path` holds.
    func contents(of path: String, _ file: File) -> Data {
        var generator = SplitMix64(seed: self.seed ^ StableHash.fnv1a("backup/\(self.owner)/\(path)#\(file.version)"))
        var data = Data(count: file.size)
        data.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                var word = generator.next()
                let count = min(8, buffer.count - offset)
                withUnsafeBytes(of: &word) {
                    buffer.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: count)
                }
                offset += count
            }
        }
        return data
    }

    /// Changes, adds, deletes and touches the files `edit` asks for, picked with the seed.
    mutating func apply(_ edit: BackupEdit) throws -> Edit {
        self.edits += 1
        var random = SplitMix64Source(seed: self.seed, label: "backup/\(self.owner)/edit/\(self.edits)")
        var paths = self.files.keys.sorted()
        for index in paths.indices.reversed() where index > 0 {
            paths.swapAt(index, random.next(below: index + 1))
        }
        var done = Edit()
        var picked = paths[...]
        for path in picked.prefix(edit.change) {
            var file = self.files[path]!
            file.version += 1
            file.size = self.size(random: &random)
            try self.write(path, file)
            done.changed.append(path)
        }
        picked = picked.dropFirst(edit.change)
        for path in picked.prefix(edit.delete) {
            try FileManager.default.removeItem(at: self.root.appendingPathComponent(path))
            self.files[path] = nil
            done.deleted.append(path)
        }
        picked = picked.dropFirst(edit.delete)
        for path in picked.prefix(edit.touch) {
            // An hour later than it was: the file cache no longer vouches for it; its bytes stay.
            let url = self.root.appendingPathComponent(path)
            let modified =
                try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date ?? Date()
            try FileManager.default.setAttributes(
                [.modificationDate: modified.addingTimeInterval(3_600)],
                ofItemAtPath: url.path
            )
            done.touched.append(path)
        }
        for _ in 0..<edit.add {
            done.added.append(try self.add(random: &random))
        }
        return done
    }

    /// Adds one new file in a folder picked with `random`.
    @discardableResult
    private mutating func add(random: inout SplitMix64Source) throws -> String {
        let folder = self.spec.folders[random.next(below: self.spec.folders.count)]
        let path =
            "\(folder)/file-\(String(repeating: "0", count: max(0, 4 - "\(self.nextNumber)".count)))\(self.nextNumber).bin"
        self.nextNumber += 1
        let file = File(size: self.size(random: &random), version: 1)
        try self.write(path, file)
        return path
    }

    /// A size between the tree's smallest and largest, evenly spread on a log scale.
    private func size(random: inout SplitMix64Source) -> Int {
        let low = log(Double(self.spec.minSize))
        let high = log(Double(self.spec.maxSize))
        return min(self.spec.maxSize, max(self.spec.minSize, Int(exp(random.next(in: low...high)).rounded())))
    }

    /// Writes `file` at `path` (a new inode, as an app saving a file does) and records it.
    private mutating func write(_ path: String, _ file: File) throws {
        try self.contents(of: path, file).write(to: self.root.appendingPathComponent(path), options: .atomic)
        self.files[path] = file
    }
}
