import { decodeSegment } from "@/lib/web/links";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { ApiError } from "@/lib/api/errors";
import { inferenceListQuerySchema } from "@/lib/api/schemas/inferences";
import { timelineQuerySchema } from "@/lib/api/schemas/timeline";
import { listInferences } from "@/lib/db/inferences";
import { getModelTimeline } from "@/lib/db/timeline";
import { modelHref } from "@/lib/web/links";
import { inferenceListQuery, pickTimelineParams, toQueryString } from "@/lib/web/timeline-series";
import { TimelineView } from "./timeline-client";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ model: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${decodeSegment((await params).model)} timeline` };
}

export default async function ModelTimelinePage({ params, searchParams }: Props) {
  const name = decodeSegment((await params).model);
  const p = pickTimelineParams(await searchParams);
  const parsed = timelineQuerySchema.safeParse(p);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return (
      <>
        <PageHeader title={name} />
        <p role="alert" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
          This link has a bad parameter: <strong>{issue.path.join(".")}</strong> {issue.message}.{" "}
          <Link href={modelHref(name)} className="underline">
            Open the default view
          </Link>
        </p>
      </>
    );
  }
  const timeline = await getModelTimeline(name, parsed.data).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  });
  const listQuery = inferenceListQuery(name, p, timeline);
  const list = await listInferences(
    inferenceListQuerySchema.parse(Object.fromEntries(new URLSearchParams(listQuery))),
  );
  return (
    <>
      <PageHeader title={name}>
        Which version was live when, what each served, what was paid, and where the records
        contradict the timeline. Drag the “as of” scrubber to see what was known at any moment;
        every setting is in the address, so the view can be shared.
      </PageHeader>
      <TimelineView
        model={name}
        initialQuery={toQueryString(p)}
        initial={timeline}
        initialList={list}
        initialListQuery={listQuery}
      />
    </>
  );
}
