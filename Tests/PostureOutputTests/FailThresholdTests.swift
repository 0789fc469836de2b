import PostureModel
@testable import PostureOutput
import XCTest

final class FailThresholdTests: XCTestCase {
    func testThresholdsCountFailingAndPartialOnly() {
        let report = Fixtures.report()
        XCTAssertEqual(FailThreshold.critical.breaches(in: report).map(\.checkID), [])
        XCTAssertFalse(FailThreshold.critical.isBreached(by: report))
        XCTAssertEqual(FailThreshold.high.breaches(in: report).map(\.checkID), ["AUTH-01", "AUTH-02", "AUTH-06", "NET-01"])
        XCTAssertEqual(FailThreshold.medium.breaches(in: report).map(\.checkID), ["AUTH-01", "AUTH-02", "AUTH-06", "IDENT-09", "NET-01"])
        // The waived medium (SEC-01) and unknown low (HARD-12) never count.
        XCTAssertEqual(FailThreshold.low.breaches(in: report).count, 5)
    }

    func testCriticalFailureBreachesEveryThreshold() {
        var report = Fixtures.report()
        report.findings[2].status = .fail
        for t in FailThreshold.allCases { XCTAssertTrue(t.isBreached(by: report), "\(t)") }
        XCTAssertEqual(FailThreshold(rawValue: "high"), .high)
        XCTAssertNil(FailThreshold(rawValue: "info"))
    }
}
