export { deliverOutbox, httpSink, outboxState, storyDir, type EvidenceSink } from "./deliver";
export { DEFAULT_STORY_REQUESTS, playStory, type StoryManifest } from "./play";
export { planStory, STORY_ENCLAVES, type StoryPlan } from "./plan";
export { pcrHashOf } from "./story-actors";
export { ensureStory } from "./ensure";
