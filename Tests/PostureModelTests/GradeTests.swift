import XCTest
@testable import PostureModel

final class GradeTests: XCTestCase {
    func testGradeBoundaries() {
        XCTAssertEqual(Grade(score: 90), .A)
        XCTAssertEqual(Grade(score: 89.99), .B)
        XCTAssertEqual(Grade(score: 50), .E)
        XCTAssertEqual(Grade(score: 49.9), .F)
    }
}
