import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ResolveImageName } from '../pipeline/deps.ts';

/** Raised when EC2 cannot say an image's root device. */
export class ImageRootDeviceError extends Error {
  override readonly name = 'ImageRootDeviceError';
}

/** An AMI's root device name (`/dev/sda1`, `/dev/xvda`), from DescribeImages. */
export async function rootDeviceOf(ec2: EC2Client, imageId: string): Promise<string> {
  const found = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  const device = found.Images?.[0]?.RootDeviceName;
  if (!device) {
    throw new ImageRootDeviceError(`EC2 describes no root device for image ${imageId}`);
  }

  return device;
}

/**
 * Image resolution that also says each image's root device, which the
 * runner's root volume must name. An AMI's root device never changes, so it
 * is asked once per AMI and container; the state then carries it to launch.
 */
export function withRootDevice(
  resolve: ResolveImageName,
  ec2: EC2Client,
): ResolveImageName {
  const known = new Map<string, string>();

  return async (name) => {
    const resolved = await resolve(name);
    const ref = resolved.image.ref;
    const rootDevice = known.get(ref) ?? (await rootDeviceOf(ec2, ref));
    known.set(ref, rootDevice);

    return { ...resolved, image: { ...resolved.image, rootDevice } };
  };
}
