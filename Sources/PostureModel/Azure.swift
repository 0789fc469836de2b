// Normalized Azure-side state of one AKS cluster and the resources around it.
//
// The importers fill these from either JSON shape Azure prints (the REST/ARM shape with
// `properties`, or the flattened `az … -o json` shape). An optional that is nil means
// "the document did not say" (the check that needs it becomes unknown), never "false".
// No field here may carry a secret value: keys, passwords and kubeconfigs are dropped
// by the importer before a value of these types exists.

public struct ManagedCluster: Codable, Sendable, Hashable {
    public var id: String?
    public var name: String
    public var resourceGroup: String?
    public var subscriptionID: String?
    public var location: String?
    public var kubernetesVersion: String?
    public var currentKubernetesVersion: String?
    /// `sku.name`: `Base` or `Automatic`.
    public var skuName: String?
    /// `sku.tier`: `Free`, `Standard` or `Premium`.
    public var skuTier: String?
    public var supportPlan: String?
    public var fqdn: String?
    public var privateFQDN: String?
    public var nodeResourceGroup: String?
    public var provisioningState: String?
    public var powerState: String?
    public var tags: [String: String]

    // Authentication and authorization
    public var enableRBAC: Bool?
    public var disableLocalAccounts: Bool?
    /// nil when `aadProfile` is absent (local accounts / certificates only).
    public var aad: AADProfile?

    public var apiServer: APIServerAccess

    // Identity
    /// `identity.type`: `SystemAssigned`, `UserAssigned`, `None`; nil when absent.
    public var identityType: String?
    public var identityPrincipalID: String?
    public var userAssignedIdentities: [ManagedIdentityRef]
    /// `servicePrincipalProfile.clientId`; nil when the profile is absent. `"msi"` means managed identity.
    /// The profile's secret is never kept.
    public var servicePrincipalClientID: String?
    /// `identityProfile.kubeletidentity`.
    public var kubeletIdentity: ManagedIdentityRef?
    public var oidcIssuerEnabled: Bool?
    public var oidcIssuerURL: String?
    public var workloadIdentityEnabled: Bool?
    public var podIdentityEnabled: Bool?

    public var network: NetworkProfile

    /// Add-on profiles keyed by the lower-cased add-on name (`azurepolicy`, `omsagent`,
    /// `azurekeyvaultsecretsprovider`, `kubedashboard`, `httpapplicationrouting`, …).
    public var addons: [String: AddonProfile]

    // Security profile
    public var defenderSecurityMonitoringEnabled: Bool?
    public var defenderLogAnalyticsWorkspaceID: String?
    public var kms: KMSProfile?
    /// `securityProfile.kubernetesResourceObjectEncryptionProfile.infrastructureEncryption`.
    public var infrastructureEncryption: String?
    public var imageCleanerEnabled: Bool?
    public var imageIntegrityEnabled: Bool?
    public var diskEncryptionSetID: String?

    // Upgrades
    public var upgradeChannel: String?
    public var nodeOSUpgradeChannel: String?

    /// Admin user names only; SSH public keys and Windows passwords are dropped at import.
    public var linuxAdminUsername: String?
    public var linuxSSHKeyCount: Int?
    public var windowsAdminUsername: String?

    /// `agentPoolProfiles[*]` as embedded in the cluster document (used when
    /// `nodepools.json` was not collected).
    public var agentPoolProfiles: [NodePool]

    public init(name: String) {
        self.name = name
        self.tags = [:]
        self.apiServer = APIServerAccess()
        self.userAssignedIdentities = []
        self.network = NetworkProfile()
        self.addons = [:]
        self.agentPoolProfiles = []
    }

    /// Look up an add-on by name, case-insensitively (`azurePolicy` and `azurepolicy` are the same).
    public func addon(_ name: String) -> AddonProfile? { addons[name.lowercased()] }
}

public struct AADProfile: Codable, Sendable, Hashable {
    public var managed: Bool?
    public var enableAzureRBAC: Bool?
    public var adminGroupObjectIDs: [String]
    public var tenantID: String?
    /// Legacy (non-managed) AAD integration app ids; the server app secret is never kept.
    public var clientAppID: String?
    public var serverAppID: String?
    public init() { adminGroupObjectIDs = [] }
}

public struct APIServerAccess: Codable, Sendable, Hashable {
    public var enablePrivateCluster: Bool?
    public var enablePrivateClusterPublicFQDN: Bool?
    /// nil when the field is absent; an empty array when present and empty.
    public var authorizedIPRanges: [String]?
    public var disableRunCommand: Bool?
    public var privateDNSZone: String?
    public var enableVnetIntegration: Bool?
    public init() {}
}

public struct ManagedIdentityRef: Codable, Sendable, Hashable {
    /// ARM resource id of the user-assigned identity, when known.
    public var resourceID: String?
    public var clientID: String?
    public var objectID: String?
    public var principalID: String?
    public init(resourceID: String? = nil, clientID: String? = nil, objectID: String? = nil, principalID: String? = nil) {
        self.resourceID = resourceID; self.clientID = clientID; self.objectID = objectID; self.principalID = principalID
    }
}

public struct NetworkProfile: Codable, Sendable, Hashable {
    public var networkPlugin: String?
    public var networkPluginMode: String?
    public var networkPolicy: String?
    public var networkDataplane: String?
    public var outboundType: String?
    public var podCIDR: String?
    public var serviceCIDR: String?
    public var loadBalancerSKU: String?
    public init() {}
}

public struct AddonProfile: Codable, Sendable, Hashable {
    public var enabled: Bool?
    /// `config` entries with values coerced to strings (`"true"`, `"2m"`, …).
    public var config: [String: String]
    /// Client id of the add-on's own managed identity, when the document has one.
    public var identityClientID: String?
    public init(enabled: Bool? = nil, config: [String: String] = [:], identityClientID: String? = nil) {
        self.enabled = enabled; self.config = config; self.identityClientID = identityClientID
    }
    /// Case-insensitive config lookup.
    public func configValue(_ key: String) -> String? {
        let k = key.lowercased()
        return config.first { $0.key.lowercased() == k }?.value
    }
}

public struct KMSProfile: Codable, Sendable, Hashable {
    public var enabled: Bool?
    public var keyID: String?
    /// `Public` or `Private`.
    public var keyVaultNetworkAccess: String?
    public var keyVaultResourceID: String?
    public init() {}
}

public struct NodePool: Codable, Sendable, Hashable {
    public var name: String
    /// `System` or `User`.
    public var mode: String?
    public var count: Int?
    public var vmSize: String?
    /// `Linux` or `Windows`.
    public var osType: String?
    public var osSKU: String?
    public var orchestratorVersion: String?
    public var currentOrchestratorVersion: String?
    public var nodeImageVersion: String?
    public var enableNodePublicIP: Bool?
    public var nodePublicIPPrefixID: String?
    public var enableEncryptionAtHost: Bool?
    public var enableFIPS: Bool?
    /// `securityProfile.sshAccess`: `LocalUser`, `Disabled`, `EntraId`.
    public var sshAccess: String?
    public var osDiskType: String?
    public var maxPods: Int?
    public var type: String?
    public var availabilityZones: [String]
    public var vnetSubnetID: String?
    public var provisioningState: String?
    public init(name: String) { self.name = name; self.availabilityZones = [] }
}

public struct PrivateEndpointConnection: Codable, Sendable, Hashable {
    public var id: String?
    public var name: String?
    public var privateEndpointID: String?
    /// `privateLinkServiceConnectionState.status`: `Approved`, `Pending`, `Rejected`, `Disconnected`.
    public var status: String?
    public var groupIDs: [String]
    public init() { groupIDs = [] }
}

public struct ContainerRegistry: Codable, Sendable, Hashable {
    public var id: String?
    public var name: String
    public var resourceGroup: String?
    public var location: String?
    public var loginServer: String?
    public var skuName: String?
    public var adminUserEnabled: Bool?
    public var anonymousPullEnabled: Bool?
    /// `Enabled` or `Disabled`.
    public var publicNetworkAccess: String?
    /// `networkRuleSet.defaultAction`: `Allow` or `Deny`.
    public var networkRuleDefaultAction: String?
    public var ipRuleCount: Int?
    /// `policies.azureADAuthenticationAsArmPolicy.status`: `enabled` / `disabled`.
    public var armAudienceTokenPolicyStatus: String?
    public var dataEndpointEnabled: Bool?
    public var privateEndpointConnections: [PrivateEndpointConnection]
    public var tags: [String: String]
    public init(name: String) { self.name = name; privateEndpointConnections = []; tags = [:] }
}

public struct KeyVault: Codable, Sendable, Hashable {
    public var id: String?
    public var name: String
    public var resourceGroup: String?
    public var location: String?
    public var vaultURI: String?
    public var skuName: String?
    public var enableRbacAuthorization: Bool?
    public var enableSoftDelete: Bool?
    public var enablePurgeProtection: Bool?
    public var softDeleteRetentionInDays: Int?
    /// `Enabled` or `Disabled`.
    public var publicNetworkAccess: String?
    /// `networkAcls.defaultAction`: `Allow` or `Deny`.
    public var networkDefaultAction: String?
    public var networkBypass: String?
    public var ipRuleCount: Int?
    public var virtualNetworkRuleCount: Int?
    /// Number of access-policy entries (the legacy permission model); the entries themselves are not kept.
    public var accessPolicyCount: Int?
    public var privateEndpointConnections: [PrivateEndpointConnection]
    public var tags: [String: String]
    public init(name: String) { self.name = name; privateEndpointConnections = []; tags = [:] }
}

public struct PrivateEndpoint: Codable, Sendable, Hashable {
    public struct Connection: Codable, Sendable, Hashable {
        public var name: String?
        public var privateLinkServiceID: String?
        public var groupIDs: [String]
        public var status: String?
        public init() { groupIDs = [] }
    }
    public struct DNSZoneGroup: Codable, Sendable, Hashable {
        public var name: String?
        /// Private DNS zone resource ids of the group's configs.
        public var privateDNSZoneIDs: [String]
        public init() { privateDNSZoneIDs = [] }
    }
    public var id: String?
    public var name: String
    public var resourceGroup: String?
    public var location: String?
    public var subnetID: String?
    /// Both `privateLinkServiceConnections` and `manualPrivateLinkServiceConnections`.
    public var connections: [Connection]
    public var dnsZoneGroups: [DNSZoneGroup]
    public var customDNSFQDNs: [String]
    public init(name: String) { self.name = name; connections = []; dnsZoneGroups = []; customDNSFQDNs = [] }
}

public struct PrivateDNSZone: Codable, Sendable, Hashable {
    public struct VirtualNetworkLink: Codable, Sendable, Hashable {
        public var name: String?
        public var virtualNetworkID: String?
        public var registrationEnabled: Bool?
        public var linkState: String?
        public init() {}
    }
    public var id: String?
    /// Zone name, e.g. `privatelink.azurecr.io`.
    public var name: String
    public var resourceGroup: String?
    public var recordSetCount: Int?
    /// nil when the links were not collected; empty when collected and none exist.
    public var virtualNetworkLinks: [VirtualNetworkLink]?
    public init(name: String) { self.name = name }
}

public struct RoleAssignment: Codable, Sendable, Hashable {
    public var id: String?
    public var principalID: String?
    public var principalName: String?
    /// `ServicePrincipal`, `User`, `Group`, …
    public var principalType: String?
    public var roleDefinitionName: String?
    public var roleDefinitionID: String?
    public var scope: String?
    public init() {}
}

public struct DiagnosticSetting: Codable, Sendable, Hashable {
    public struct LogSetting: Codable, Sendable, Hashable {
        public var category: String?
        public var categoryGroup: String?
        public var enabled: Bool
        public init(category: String? = nil, categoryGroup: String? = nil, enabled: Bool) {
            self.category = category; self.categoryGroup = categoryGroup; self.enabled = enabled
        }
    }
    public var id: String?
    public var name: String
    public var logs: [LogSetting]
    public var workspaceID: String?
    public var storageAccountID: String?
    public var eventHubAuthorizationRuleID: String?
    public init(name: String) { self.name = name; logs = [] }
}
