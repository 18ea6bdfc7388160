import Hummingbird

/// Hummingbird's request context plus the peer's address, for the audit trail's sourceIPAddress.
public struct TrentRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteIP: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteIP = source.channel.remoteAddress?.ipAddress
    }
}
