import Testing
import TetherCore
import TetherDomain
import TetherGeo

/// Connection periods and the last location: the newest by device time wins.
struct ConnectionAndLocationDerivationTests {
    @Test
    func connectedOpensAPeriodAndDisconnectedClosesIt() {
        let writes = derive([
            event(10, .connection(.connected)),
            event(20, .connection(.connected)),
            event(30, .connection(.disconnected)),
            event(35, .connection(.disconnected)),
            event(40, .connection(.connected)),
        ])
        #expect(
            writes.connectionChanges == [.open(at: Times.at(10)), .close(at: Times.at(30)), .open(at: Times.at(40))]
        )
        #expect(writes.state.connection == .connected)
        #expect(writes.state.connectionSince == Times.at(40))
        #expect(writes.state.lastConnectedTime == Times.at(40))
        #expect(writes.state.connectionTime == Times.at(40))
    }

    @Test
    func aDisconnectKeepsTheLastConnectedTime() {
        let before = DerivedDeviceState(
            connection: .connected,
            connectionSince: Times.at(10),
            connectionTime: Times.at(10),
            lastConnectedTime: Times.at(10)
        )
        let writes = derive([event(50, .connection(.disconnected))], state: before)
        #expect(writes.connectionChanges == [.close(at: Times.at(50))])
        #expect(writes.state.connection == .disconnected)
        #expect(writes.state.connectionSince == Times.at(50))
        #expect(writes.state.lastConnectedTime == Times.at(10))
    }

    @Test
    func aConnectionEventOlderThanTheNewestIsIgnored() {
        let before = DerivedDeviceState(
            lastEventTime: Times.at(100),
            connection: .connected,
            connectionSince: Times.at(100),
            connectionTime: Times.at(100),
            lastConnectedTime: Times.at(100)
        )
        let writes = derive([event(50, .connection(.disconnected))], state: before)
        #expect(writes.connectionChanges.isEmpty)
        #expect(writes.state == before)
    }

    @Test(arguments: [ConnectionState.connected, .disconnected])
    func eventsOfTheSameMillisecondApplyInBatchOrder(last: ConnectionState) {
        let first: ConnectionState = last == .connected ? .disconnected : .connected
        // The older event after them forces a sort; equal times keep their order.
        let writes = derive([event(10, .connection(first)), event(10, .connection(last)), event(5, .sos)])
        #expect(writes.state.connection == last)
        #expect(writes.events.map(\.timestamp) == [Times.at(5), Times.at(10), Times.at(10)])
    }

    @Test
    func theLastLocationFollowsDeviceTimeNotArrival() {
        let berlin = coordinate(52.52, 13.405)
        let potsdam = coordinate(52.39, 13.06)
        let first = derive([event(200, gnss(berlin))])
        let late = derive([event(100, gnss(potsdam))], state: first.state)
        #expect(late.state.location?.latitude == berlin.latitude)
        #expect(late.state.locationTime == Times.at(200))
        #expect(late.state.lastEventTime == Times.at(200))
        let newer = derive([event(300, gnss(potsdam))], state: late.state)
        #expect(newer.state.location?.latitude == potsdam.latitude)
        #expect(newer.state.locationTime == Times.at(300))
    }
}
