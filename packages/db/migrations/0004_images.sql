-- Images: uploads in progress, the images themselves (originals in object storage), and
-- which recipe shows which image where.

create table uploads (
  id uuid primary key,
  owner_id uuid not null references users (id) on delete cascade,
  expires_at timestamptz(3) not null,
  confirmed_at timestamptz(3),
  created_at timestamptz(3) not null default now()
);
create index uploads_unconfirmed on uploads (expires_at) where confirmed_at is null;

create table images (
  id uuid primary key,
  owner_id uuid not null references users (id) on delete cascade,
  format text not null check (format in ('jpeg', 'png', 'webp', 'avif', 'heic')),
  byte_size integer not null check (byte_size > 0),
  -- as displayed, after applying the EXIF orientation
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  -- the dominant colour, "#rrggbb", shown while the image loads; set by the processing job
  placeholder text check (placeholder ~ '^#[0-9a-f]{6}$'),
  processed_at timestamptz(3),
  created_at timestamptz(3) not null default now()
);

create table recipe_images (
  recipe_id uuid not null references recipes (id) on delete cascade,
  -- the cover, or the photo of one step (position = the step's index)
  kind text not null check (kind in ('cover', 'step')),
  position integer not null default 0 check (position >= 0 and (kind = 'step' or position = 0)),
  image_id uuid not null references images (id),
  primary key (recipe_id, kind, position)
);
create index recipe_images_image on recipe_images (image_id);
