import Foundation
import PostureModel

/// Renders one pane without a terminal: what `aksposture export` prints. The frame is the
/// very one the console would show at that size (header, pane, status line).
public func renderPane(_ view: PaneID, reader: PostureReader, options: ConsoleOptions, width: Int, height: Int, now: Date) throws -> Screen {
    var o = options
    o.initialPane = view
    let app = ConsoleApp(reader: reader, options: o, now: now)
    if let banner = app.banner, app.clusters.isEmpty { throw HeadlessRenderError.storeUnreadable(banner) }
    return app.render(width: width, height: height)
}

/// The pane with its complete row set at `width` (no selection bar, no status line): the
/// full-list export. Its height is whatever the rows need.
public func renderFullPane(_ view: PaneID, reader: PostureReader, options: ConsoleOptions, width: Int, now: Date) throws -> Screen {
    var o = options
    o.initialPane = view
    let app = ConsoleApp(reader: reader, options: o, now: now)
    if let banner = app.banner, app.clusters.isEmpty { throw HeadlessRenderError.storeUnreadable(banner) }
    return app.renderFullPane(width: width)
}

public enum HeadlessRenderError: Error, CustomStringConvertible {
    case storeUnreadable(String)
    public var description: String {
        switch self { case .storeUnreadable(let m): m }
    }
}
