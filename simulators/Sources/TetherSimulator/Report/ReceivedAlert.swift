public import Foundation
public import TetherAPI

/// An alert the server raised during a run, as the stream delivered it and the alert list
/// showed it at the end.
public struct ReceivedAlert: Sendable {
    public var id: String
    public var kind: Components.Schemas.AlertKind
    /// The id the server gave the device.
    public var deviceID: String
    /// The device's name in the scenario.
    public var device: String
    public var ts: Date
    /// `ts` in milliseconds after the scenario's start.
    public var offset: Int64
    public var suppressedBy: String?
    public var endedAt: Date?
    public var reason: String
    /// The fixes that decided it: `device` or `phone`, with their offsets and accuracy.
    public var fixes: [(source: String, offset: Int64, accuracy: Double)] = []
    /// How many `repeat` events the stream delivered for it.
    public var repeats = 0
    /// Whether a suppressed alert was told later (stream event `unsuppressed`): its silencer
    /// lapsed while the episode was open.
    public var toldLater = false

    /// Whether it was suppressed.
    public var suppressed: Bool { self.suppressedBy != nil }

    /// `anti_lost of tag at +2m30s (suppressed by dnd:…) "45 m from the owner's phone"`.
    public var summary: String {
        var text = "\(self.kind.rawValue) of \(self.device) at \(Offset.text(self.offset))"
        if let suppressedBy { text += " (suppressed by \(suppressedBy))" }
        return text + " \"\(self.reason)\""
    }

    /// The summary with the fixes that decided it and when the episode ended.
    public var details: String {
        var text = self.summary
        if !self.fixes.isEmpty {
            text +=
                " from "
                + self.fixes.map { "\($0.source) fix at \(Offset.text($0.offset)) ±\(Int($0.accuracy)) m" }
                .joined(separator: ", ")
        }
        if let endedAt {
            text +=
                "; ended at \(Offset.text(self.offset + Int64((endedAt.timeIntervalSince(self.ts) * 1_000).rounded())))"
        }
        if self.toldLater { text += "; told later" }
        if self.repeats > 0 { text += "; repeated \(self.repeats)×" }
        return text
    }
}

/// Event-time offsets as people write them: `+2m30s`, `+6h`, `-5s`.
public enum Offset {
    /// `milliseconds` after the start as text, largest unit first.
    public static func text(_ milliseconds: Int64) -> String {
        var rest = abs(milliseconds)
        var text = milliseconds < 0 ? "-" : "+"
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)] where rest >= size
        {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        if rest > 0 || text.count == 1 { text += "\(rest)ms" }
        return text
    }
}
