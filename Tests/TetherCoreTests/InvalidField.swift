import TetherCore

/// The `field` named by the `invalid_field` error that `body` throws; `nil` when it throws
/// nothing, `<code>` when it throws another error.
func invalidField(_ body: () throws -> Void) -> String? {
    guard let error = thrownError(body) else { return nil }
    guard error.code == "invalid_field", error.kind == .invalidInput else { return "<\(error.code)>" }
    return error.field
}

/// The ``TetherError`` that `body` throws, or `nil` when it throws nothing.
func thrownError(_ body: () throws -> Void) -> TetherError? {
    do {
        try body()
        return nil
    } catch let error as TetherError {
        return error
    } catch {
        return TetherError(code: "not_a_tether_error", kind: .internal, detail: "\(error)")
    }
}
