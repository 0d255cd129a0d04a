-- Catalog search (learning/courses): accent-insensitive full text and typo-tolerant title matching.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
