import Foundation

public struct AliasRecord: Sendable, Hashable {
    public let scope: Scope
    public let name: AliasName
    public var targetKeyID: KeyID
    public let creationDate: Date
    public var lastUpdatedDate: Date

    public init(scope: Scope, name: AliasName, targetKeyID: KeyID, creationDate: Date, lastUpdatedDate: Date) {
        self.scope = scope
        self.name = name
        self.targetKeyID = targetKeyID
        self.creationDate = creationDate
        self.lastUpdatedDate = lastUpdatedDate
    }

    public var arn: AliasARN { AliasARN(scope: scope, name: name) }
}

extension AliasName {
    /// The AWS managed aliases every account and Region lists, whether or not the key exists yet,
    /// and the service name used in its key's description.
    public static let awsManaged: [(alias: String, service: String)] = [
        ("alias/aws/acm", "ACM"), ("alias/aws/dynamodb", "DynamoDB"), ("alias/aws/ebs", "EBS"),
        ("alias/aws/elasticfilesystem", "EFS"), ("alias/aws/es", "Elasticsearch"), ("alias/aws/glue", "Glue"),
        ("alias/aws/kinesis", "Kinesis"), ("alias/aws/kinesisvideo", "Kinesis Video"), ("alias/aws/lambda", "Lambda"),
        ("alias/aws/rds", "RDS"), ("alias/aws/redshift", "Redshift"), ("alias/aws/s3", "S3"),
        ("alias/aws/secretsmanager", "Secrets Manager"), ("alias/aws/ssm", "SSM"), ("alias/aws/sns", "SNS"),
        ("alias/aws/sqs", "SQS"), ("alias/aws/xray", "X-Ray"),
    ]

    public var awsServiceName: String {
        let suffix = String(rawValue.dropFirst("alias/aws/".count))
        return Self.awsManaged.first { $0.alias == rawValue }?.service ?? suffix
    }

    /// AWS's alias rules beyond the model's pattern: the prefix, and `alias/aws/` reserved for AWS. Both refusals are
    /// ValidationException with AWS's words (quoted in aws-controllers-k8s/community#1878 for the prefix and in
    /// hashicorp/terraform-provider-aws#12891 for the characters).
    public static func validateCustomerAlias(_ raw: String) throws(KMSError) -> AliasName {
        guard let name = AliasName(raw), raw.count > 6 else {
            throw KMSError(
                .validation,
                "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
            )
        }
        if raw.contains(":") {
            throw KMSError(.validation, "\(raw) contains invalid characters for an alias")
        }
        if name.isAWSManaged {
            throw KMSError(.notAuthorized, "Aliases that begin with alias/aws/ are reserved for AWS managed keys.")
        }
        return name
    }
}
