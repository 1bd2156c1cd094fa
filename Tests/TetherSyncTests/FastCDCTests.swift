import Foundation
import PropertyBased
import Testing
import TetherCore
import TetherSync

struct FastCDCTests {
    /// Small sizes, so properties run over many chunks quickly; the logic is the same.
    static let small = FastCDC(parameters: ChunkingParameters(minSize: 256, averageSize: 1_024, maxSize: 4_096))

    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var word = random.next()
            for _ in 0..<8 where index < count {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return bytes
    }

    @Test func chunksReassembleToTheInputAndRespectTheSizes() async {
        await propertyCheck(count: 100, input: Gen.int(in: 0...40_000), Gen.uint64()) { length, seed in
            let bytes = Self.randomBytes(length, seed: seed)
            let lengths = bytes.withUnsafeBytes { Self.small.chunkLengths(of: $0) }
            #expect(lengths.reduce(0, +) == length)
            for (index, chunk) in lengths.enumerated() {
                #expect(chunk <= 4_096)
                if index < lengths.count - 1 { #expect(chunk >= 256) }
            }
        }
    }

    @Test func anEditMovesOnlyTheBoundariesNearIt() async {
        await propertyCheck(count: 50, input: Gen.uint64(), Gen.int(in: 0...99_000)) { seed, at in
            var bytes = Self.randomBytes(100_000, seed: seed)
            let before = bytes.withUnsafeBytes { Self.small.chunkLengths(of: $0) }
            for offset in at..<(at + 64) { bytes[offset] ^= 0x5A }
            let after = bytes.withUnsafeBytes { Self.small.chunkLengths(of: $0) }
            let cutsBefore = Set(before.reduce(into: [0]) { $0.append($0.last! + $1) })
            let cutsAfter = Set(after.reduce(into: [0]) { $0.append($0.last! + $1) })
            // Every boundary before the edit stays; well after it the boundaries agree again.
            #expect(cutsBefore.filter { $0 <= at } == cutsAfter.filter { $0 <= at })
            let far = at + 64 + 3 * 4_096
            #expect(cutsBefore.filter { $0 >= far } == cutsAfter.filter { $0 >= far })
            // So only the chunks between the edit and `far` differ.
            #expect(cutsAfter.symmetricDifference(cutsBefore).allSatisfy { $0 > at && $0 < far })
        }
    }

    @Test func streamingAFileCutsWhereTheWholeBufferDoes() throws {
        let bytes = Self.randomBytes(3_000_000, seed: 11)
        let expected = bytes.withUnsafeBytes { FastCDC().chunkLengths(of: $0) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("data")
        try Data(bytes).write(to: file)
        // A block smaller than a chunk exercises the carry-over between reads.
        for blockSize in [100_000, 1 << 20, 4 << 20] {
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            var lengths: [Int] = []
            var reassembled = Data()
            try FileChunker(blockSize: blockSize).chunks(ofDescriptor: handle.fileDescriptor) { chunk in
                lengths.append(chunk.count)
                reassembled.append(contentsOf: chunk)
            }
            #expect(lengths == expected)
            #expect(reassembled == Data(bytes))
        }
    }

    @Test func anEmptyFileHasNoChunks() throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
        defer { try? handle.close() }
        var count = 0
        try FileChunker().chunks(ofDescriptor: handle.fileDescriptor) { _ in count += 1 }
        #expect(count == 0)
    }

    /// The standard sizes on 48 MiB of random data: the mean lands near the 256 KiB aimed at and
    /// every chunk is within 64 KiB…1 MiB.
    @Test func standardSizesOnRandomData() {
        let bytes = Self.randomBytes(48 << 20, seed: 2_016)
        let lengths = bytes.withUnsafeBytes { FastCDC().chunkLengths(of: $0) }
        let mean = Double(bytes.count) / Double(lengths.count)
        print("FastCDC standard: \(lengths.count) chunks, mean \(Int(mean)) bytes")
        #expect((200_000...340_000).contains(Int(mean)))
        #expect(lengths.dropLast().allSatisfy { (64 << 10...1 << 20).contains($0) })
    }
}
