import { loadConfig } from '@yeet/platform';
import { describe, expect, it } from 'vitest';
import { dataPlatform } from '../src/cli-platform.ts';

/** What `yeet backup` and `yeet restore` say they work on, for the settings in `env`. */
const said = (env: Record<string, string>) => dataPlatform(loadConfig({ DATA_DIR: '/srv/yeet', ...env }), env);

describe('dataPlatform (yeet backup, yeet restore)', () => {
  it('names the database of DATABASE_URL without its password, even one given as a parameter', () => {
    const line = said({ DATABASE_URL: 'postgres://yeet:s3cret@db.example:6432/recipes?password=other&sslmode=require' });
    expect(line).toBe(
      'the database at postgres://yeet@db.example:6432/recipes (DATABASE_URL) and the images in /srv/yeet/images (IMAGE_DIR is not set: under DATA_DIR)',
    );
    expect(line).not.toMatch(/s3cret|other/);
  });

  it('names the embedded database under DATA_DIR when DATABASE_URL is not set', () => {
    expect(said({})).toMatch(/^the embedded database in \/srv\/yeet\/pg \(DATABASE_URL is not set: under DATA_DIR\) and /);
  });

  it('names the image directory of IMAGE_DIR, or the S3 bucket and its endpoint', () => {
    expect(said({ IMAGE_DIR: '/mnt/photos' })).toMatch(/ and the images in \/mnt\/photos \(IMAGE_DIR\)$/);
    expect(said({ IMAGE_STORAGE: 's3', S3_BUCKET: 'yeet-images', S3_ENDPOINT: 'http://minio:9000' })).toMatch(
      / and the images in s3:\/\/yeet-images at http:\/\/minio:9000 \(S3_BUCKET\)$/,
    );
  });
});
