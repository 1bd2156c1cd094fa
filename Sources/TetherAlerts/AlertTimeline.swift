public import TetherCore

/// A device's alert engine that accepts inputs late and out of order, and never raises a second
/// alert for an episode that is already open.
///
/// Uploads arrive batched, late and shuffled; the engine must see inputs in device-time order.
/// The timeline keeps the inputs of the last ``reorderWindowMilliseconds`` (by device time)
/// with the engine's state before them. An input in order is applied at once (the fast path);
/// a late one is inserted in place and the window is replayed from that state. What the replay
/// decides is matched with what was already reported, episode by episode, so a replay can
/// neither repeat an alert nor end one that was never raised. Inputs older than the window are
/// applied in arrival order after the ones before them.
public struct AlertTimeline: Sendable {
    /// How far back in device time a late input is still put in its place. Default 10 minutes.
    public var reorderWindowMilliseconds: Int64
    /// The engine state before the inputs in ``pending``.
    private var checkpoint: DeviceAlertEngine
    /// The engine state after every input.
    public private(set) var current: DeviceAlertEngine
    /// The inputs of the window, in device-time order (ties in arrival order).
    private var pending: [AlertInput] = []
    /// The episodes reported, by rule (ended ones only while they are in the window).
    private var reported: [String: [ReportedEpisode]] = [:]
    /// Emergencies reported within the window, by device time.
    private var reportedEmergencies: Set<Int64> = []

    /// A timeline with no history.
    public init(rules: AlertRules, reorderWindowMilliseconds: Int64 = 600_000) {
        self.checkpoint = DeviceAlertEngine(rules: rules)
        self.current = self.checkpoint
        self.reorderWindowMilliseconds = reorderWindowMilliseconds
    }

    /// Applies a batch of inputs (any order); returns the decisions to report, in device-time order.
    public mutating func process(_ inputs: [AlertInput]) -> [AlertDecision] {
        var decided: [AlertDecision] = []
        var isLate = false
        var heardDevice = false
        let wasSilent = self.current.isSilent
        for input in inputs where !self.isPending(input) {
            if input.isFromDevice { heardDevice = true }
            if let newest = self.pending.last, AlertInput.inDeviceTimeOrder(input, newest) {
                let position = self.pending.lastIndex { !AlertInput.inDeviceTimeOrder(input, $0) }.map { $0 + 1 } ?? 0
                self.pending.insert(input, at: position)
                isLate = true
            } else {
                self.pending.append(input)
                if !isLate { decided += self.current.process(input) }
            }
        }
        var replayedFrom: Int64?
        if isLate {
            replayedFrom = self.pending.first?.time
            // Replay the window once, so a batch gives the same answer in any order.
            var replay = self.checkpoint
            decided = self.pending.flatMap { replay.process($0) }
            // Silence is judged against the clock, not replayed: a device input ends it.
            if wasSilent {
                if heardDevice {
                    decided.append(replay.silenceEnded(at: inputs.map(\.time).max() ?? 0))
                } else {
                    replay.isSilent = true
                }
            }
            self.current = replay
        }
        self.advanceCheckpoint()
        return self.report(decided, replayedFrom: replayedFrom)
    }

    /// Replaces the rules; see ``DeviceAlertEngine/replaceRules(_:)``. Returns what the change
    /// decides at once (a device already outside a new fence).
    public mutating func replaceRules(_ rules: AlertRules) -> [AlertDecision] {
        _ = self.checkpoint.replaceRules(rules)
        return self.report(self.current.replaceRules(rules))
    }

    /// The rules in force.
    public var rules: AlertRules { self.current.rules }

    /// Takes up a silence reported before a restart; see ``DeviceAlertEngine/resumeSilence(since:)``.
    public mutating func resumeSilence(since episodeStart: Int64) {
        self.checkpoint.resumeSilence(since: episodeStart)
        self.current.resumeSilence(since: episodeStart)
        self.reported["silent", default: []].append(ReportedEpisode(start: episodeStart, end: nil))
    }

    /// The rules with an episode reported open (alerted, not yet ended).
    public var openRules: Set<String> {
        Set(self.reported.filter { $0.value.contains { $0.end == nil } }.keys)
    }

    /// Judges silence at `now`; see ``DeviceAlertEngine/checkSilence(now:)``.
    public mutating func checkSilence(now: Int64) -> AlertDecision? {
        self.current.checkSilence(now: now).flatMap { self.report([$0]).first }
    }

    /// Whether the same input is already in the window (a resend, or a replay after a restart
    /// that already covered it): it is not applied twice.
    private func isPending(_ input: AlertInput) -> Bool {
        self.pending.reversed().prefix { $0.time >= input.time }.contains(input)
    }

    /// See ``DeviceAlertEngine/silencer(for:at:)``.
    public func silencer(for kind: AlertKind, at time: Int64) -> String? {
        self.current.silencer(for: kind, at: time)
    }

    /// Folds inputs older than the window into the checkpoint.
    private mutating func advanceCheckpoint() {
        guard let newest = self.pending.last?.time else { return }
        let cutoff = newest - self.reorderWindowMilliseconds
        let expired = self.pending.prefix { $0.time < cutoff }
        guard !expired.isEmpty else { return }
        for input in expired {
            _ = self.checkpoint.process(input)
        }
        self.pending.removeFirst(expired.count)
        self.reportedEmergencies = self.reportedEmergencies.filter { $0 >= cutoff }
        for rule in self.reported.keys {
            self.reported[rule]!.removeAll { ($0.end ?? .max) < cutoff }
        }
    }

    /// Keeps the decisions that change what was reported.
    ///
    /// Episodes are matched by overlap in device time: a replay that finds the same episode
    /// (perhaps decided by a different fix now that a late one arrived) reports nothing new; an
    /// episode nobody was told about is reported, with its end if it already ended, unless it
    /// ended before an episode of the rule reported open began (the owner hears of one episode
    /// of a rule at a time); an end for an episode that opened before the window closes the one
    /// reported open.
    ///
    /// After a replay of the window from `replayedFrom`, an episode reported open that began in
    /// the window and that the replay neither finds nor still has open never happened (a late
    /// upload showed the device with its owner after all): it is withdrawn, ended at its start.
    private mutating func report(_ decisions: [AlertDecision], replayedFrom: Int64? = nil) -> [AlertDecision] {
        var reported: [AlertDecision] = []
        var episodes: [String: [ReplayedEpisode]] = [:]
        var endsOfEarlierEpisodes: [AlertDecision] = []
        for decision in decisions.sorted(by: { $0.time < $1.time }) {
            if decision.kind == .sos {
                if self.reportedEmergencies.insert(decision.episodeStart).inserted { reported.append(decision) }
            } else if !decision.endsEpisode {
                episodes[decision.rule, default: []].append(ReplayedEpisode(alert: decision))
            } else if let last = episodes[decision.rule]?.indices.last, episodes[decision.rule]![last].end == nil {
                episodes[decision.rule]![last].end = decision
            } else {
                endsOfEarlierEpisodes.append(decision)
            }
        }
        // An end is reported under the start of the episode that was reported, which a replay
        // may have decided from another fix.
        for var end in endsOfEarlierEpisodes {
            // Only an episode that began before this end: a replay may re-derive the end of an
            // episode older than the window while a later one is open. (A silence is not
            // replayed; a late input of the device ends it whatever its time.)
            if let open = self.reported[end.rule]?.firstIndex(where: {
                $0.end == nil && ($0.start <= end.time || end.rule == "silent")
            }) {
                self.reported[end.rule]![open].end = end.time
                end.episodeStart = self.reported[end.rule]![open].start
                reported.append(end)
            }
        }
        for (rule, replayed) in episodes {
            for episode in replayed {
                let end = episode.end?.time ?? .max
                if let match = self.reported[rule]?.firstIndex(where: {
                    $0.start <= end && episode.alert.time <= ($0.end ?? .max)
                }) {
                    if self.reported[rule]![match].end == nil, var closing = episode.end {
                        self.reported[rule]![match].end = closing.time
                        closing.episodeStart = self.reported[rule]![match].start
                        reported.append(closing)
                    }
                } else if let closing = episode.end,
                    self.reported[rule]?.contains(where: { $0.end == nil && $0.start > closing.time }) == true
                {
                    // A late input shows an episode that was over before the one reported open
                    // began: history now, and reporting it would open a second episode of the
                    // rule beside the open one (whose end it would then seem to be). It is kept
                    // as reported, so a later replay stays silent about it too.
                    self.reported[rule]!.append(ReportedEpisode(start: episode.alert.time, end: closing.time))
                } else {
                    self.reported[rule, default: []].append(
                        ReportedEpisode(start: episode.alert.time, end: episode.end?.time)
                    )
                    reported.append(episode.alert)
                    if let closing = episode.end { reported.append(closing) }
                }
            }
        }
        if let replayedFrom {
            reported += self.withdrawUnconfirmed(since: replayedFrom, replayed: episodes)
        }
        return reported.sorted { $0.time < $1.time }
    }

    /// Ends the episodes reported open since `start` that the replay did not confirm.
    private mutating func withdrawUnconfirmed(
        since start: Int64,
        replayed: [String: [ReplayedEpisode]]
    ) -> [AlertDecision] {
        var withdrawn: [AlertDecision] = []
        // Silence is judged against the clock, never replayed.
        for rule in self.reported.keys where rule != "silent" && !self.current.hasOpenEpisode(rule: rule) {
            guard let kind = AlertKind(rawValue: String(rule.prefix { $0 != ":" })) else { continue }
            for index in self.reported[rule]!.indices {
                let episode = self.reported[rule]![index]
                guard episode.end == nil, episode.start >= start else { continue }
                let confirmed = replayed[rule]?.contains { episode.start <= ($0.end?.time ?? .max) } ?? false
                guard !confirmed else { continue }
                self.reported[rule]![index].end = episode.start
                withdrawn.append(
                    AlertDecision(
                        kind: kind,
                        rule: rule,
                        episodeStart: episode.start,
                        time: episode.start,
                        reason: "withdrawn: later uploads show it did not happen",
                        fixes: [],
                        suppressedBy: nil,
                        endsEpisode: true
                    )
                )
            }
        }
        return withdrawn
    }
}

/// An episode as a replay decided it.
private struct ReplayedEpisode {
    var alert: AlertDecision
    var end: AlertDecision?
}

/// An episode as it was reported: device times of its alert and of its end.
struct ReportedEpisode: Sendable, Hashable {
    var start: Int64
    var end: Int64?
}
