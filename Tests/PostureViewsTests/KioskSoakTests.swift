import XCTest
import PostureModel
@testable import PostureViews

/// A kiosk left running: simulated time (an injected clock), an in-memory reader that gains a
/// snapshot every minute and keeps the last hour of them (as `--keep` retention would), the
/// rotation stepping every second and a frame rendered every second. Resident memory
/// (`/proc/self/statm`) after the warm-up must not grow beyond a small bound.
///
/// CI runs 2 simulated hours. The documented 24-hour soak run:
///
///     AKSPOSTURE_SOAK_HOURS=24 swift test -c release --filter KioskSoakTests
final class KioskSoakTests: XCTestCase {
    func testMemoryStaysFlatWhileRotatingAndFollowingNewSnapshots() throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/statm") else { throw XCTSkip("no /proc/self/statm on this system") }
        let hours = Double(ProcessInfo.processInfo.environment["AKSPOSTURE_SOAK_HOURS"] ?? "") ?? 2
        let reader = Fixture.reader()
        var clock = Fixture.now
        let k = KioskProgram(reader: RedactingReader(reader), options: ConsoleOptions(staleAfter: 1800),
                             kiosk: KioskOptions(interval: 1), now: clock)
        var nextID: Int64 = 1000
        let seconds = Int(hours * 3600)
        var baseline = 0
        var peakAfterWarmup = 0
        var hourly: [Int] = []
        for second in 1...seconds {
            clock = clock.addingTimeInterval(1)
            if second % 60 == 0 {
                // a new snapshot for each cluster, alternating shapes so the models change
                for cluster in [Fixture.hardenedID, Fixture.neglectedID] {
                    let i = Int(nextID % 3)
                    let snap = cluster == Fixture.hardenedID ? Fixture.hardened(index: i, at: clock) : Fixture.neglected(index: i, at: clock)
                    reader.add(clusterID: cluster, id: nextID, at: clock, snapshot: snap,
                               report: Fixture.report(i == 0 ? [:] : ["NET-01": .fail, "AUTH-03": i == 2 ? .fail : .pass]))
                    nextID += 1
                    Self.keepLastHour(reader, clusterID: cluster)
                }
            }
            _ = k.tick(now: clock)
            let frame = k.render(width: 120 + second % 3, height: 40)
            XCTAssertEqual(frame.height, 40)
            if second == 600 { baseline = Self.residentBytes() }
            if second > 600 && second % 300 == 0 { peakAfterWarmup = max(peakAfterWarmup, Self.residentBytes()) }
            if second % 3600 == 0 { hourly.append(Self.residentBytes() / 1024) }
        }
        XCTAssertNil(k.banner)
        XCTAssertGreaterThan(k.rotations, seconds - 10)
        let growth = peakAfterWarmup - baseline
        print("kiosk soak: \(hours) h simulated, \(k.rotations) rotations, \(nextID - 1000) snapshots; resident \(baseline / 1024) KiB after warm-up, peak \(peakAfterWarmup / 1024) KiB (growth \(growth / 1024) KiB); resident at each simulated hour (KiB): \(hourly)")
        XCTAssertLessThan(growth, 8 * 1024 * 1024, "resident memory grew by \(growth / 1024) KiB after the warm-up")
        if hourly.count >= 4 {
            // caches fill during the first hours; after that a leak would show as steady growth
            XCTAssertLessThan(hourly.last! - hourly[2], 1024, "resident memory grew from hour 3 to hour \(hourly.count): \(hourly) KiB")
        }
    }

    static func keepLastHour(_ reader: MemoryReader, clusterID: Int64) {
        guard var list = reader.summaries[clusterID], list.count > 60 else { return }
        let dropped = list.prefix(list.count - 60)
        for s in dropped { reader.snapshotsByID[s.id] = nil; reader.reports[s.id] = nil }
        list.removeFirst(dropped.count)
        reader.summaries[clusterID] = list
        if let i = reader.clusterList.firstIndex(where: { $0.id == clusterID }) { reader.clusterList[i].snapshotCount = list.count }
        reader.token += 1
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}
