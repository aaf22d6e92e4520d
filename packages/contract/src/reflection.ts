// gRPC server reflection, generated from grpc's protos (see buf.gen.yaml); v1alpha is what
// older grpcurl and grpc_cli ask for, v1 the current name of the same service.
export * as v1 from './gen/grpc/reflection/v1/reflection_pb.js';
export * as v1alpha from './gen/grpc/reflection/v1alpha/reflection_pb.js';
