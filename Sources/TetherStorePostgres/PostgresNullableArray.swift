import NIOCore
import PostgresNIO

/// A one-dimensional PostgreSQL array whose elements may be `NULL`, in the binary format
/// (postgres-nio encodes arrays of non-optional elements only).
///
/// The format: the dimension count (1, or 0 when empty), a has-nulls flag, the element type,
/// then for the one dimension its length and lower bound (1), then each element as its byte
/// count and bytes, `-1` and no bytes for `NULL`.
struct PostgresNullableArray<Element: PostgresArrayEncodable>: PostgresEncodable {
    var elements: [Element?]

    init(_ elements: [Element?]) {
        self.elements = elements
    }

    static var psqlType: PostgresDataType { Element.psqlArrayType }

    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer,
        context: PostgresEncodingContext<JSONEncoder>
    ) throws {
        buffer.writeInteger(self.elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(self.elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !self.elements.isEmpty else { return }
        buffer.writeInteger(Int32(self.elements.count))
        buffer.writeInteger(1, as: Int32.self)
        for element in self.elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            try element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex)
        }
    }
}
