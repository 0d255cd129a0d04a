import { ActionIcon, Alert, Anchor, Box, Button, Group, List, NativeSelect, Paper, Slider, Stack, Text } from '@mantine/core';
import type Hls from 'hls.js';
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api, call } from '../../api';
import { errorMessage } from '../../components/common';
import { clock, cueAt, parseStoryboard, type StoryboardCue, WatchTracker, withToken } from './storyboard';
import type { HeartbeatResult, PlaybackStart } from './types';

const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];
type HeartbeatEvent = 'interval' | 'pause' | 'ended' | 'pagehide' | 'seek';

interface Level {
  index: number;
  height: number;
}

/**
 * The lesson video: hls.js (loaded only here, in its own chunk), automatic and manual quality,
 * captions, speed, keyboard shortcuts, resume prompt, storyboard previews on the seek bar, and
 * heartbeats that keep the playback session alive, record progress and renew the stream token.
 */
export function VideoPlayer({ lessonId, onCompleted }: { lessonId: string; onCompleted?: () => void }) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const tokenRef = useRef<string>('');
  const tracker = useRef(new WatchTracker());
  const sessionRef = useRef<string | null>(null);
  const endedRef = useRef(false);
  const [start, setStart] = useState<PlaybackStart | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [sessionEnded, setSessionEnded] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [muted, setMuted] = useState(false);
  const [time, setTime] = useState(0);
  const [levels, setLevels] = useState<Level[]>([]);
  const [level, setLevel] = useState(-1);
  const [autoHeight, setAutoHeight] = useState<number | null>(null);
  const [caption, setCaption] = useState('off');
  const [speed, setSpeed] = useState(1);
  const [resumeAt, setResumeAt] = useState<number | null>(null);
  const [showHelp, setShowHelp] = useState(false);
  const [cues, setCues] = useState<StoryboardCue[]>([]);
  const [hover, setHover] = useState<{ x: number; t: number } | null>(null);
  const [percent, setPercent] = useState(0);
  const onCompletedRef = useRef(onCompleted);
  onCompletedRef.current = onCompleted;

  const heartbeat = useCallback(
    async (event: HeartbeatEvent) => {
      const id = sessionRef.current;
      const v = videoRef.current;
      if (!id || !v || endedRef.current) return;
      const body = { position: Math.min(v.currentTime, v.duration || v.currentTime), ranges: tracker.current.flush(), event };
      if (event === 'pagehide') {
        endedRef.current = true;
        // survives the page going away; the cookie is the credential
        void fetch(`/api/v1/playback/${id}/heartbeat`, { method: 'POST', keepalive: true, credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return;
      }
      try {
        const res = await call<HeartbeatResult>(api.POST('/api/v1/playback/{sessionId}/heartbeat', { params: { path: { sessionId: id } }, body }));
        tokenRef.current = res.stream.token;
        setPercent(res.progress.percent);
        if (res.lessonCompleted) onCompletedRef.current?.();
      } catch (e) {
        if (e instanceof ApiError && e.code === 'session_ended') {
          endedRef.current = true;
          setSessionEnded(true);
          v.pause();
        }
      }
    },
    [],
  );

  // start the session and attach the stream
  useEffect(() => {
    let cancelled = false;
    endedRef.current = false;
    (async () => {
      try {
        const s = await call<PlaybackStart>(api.POST('/api/v1/lessons/{id}/playback', { params: { path: { id: lessonId } } }));
        if (cancelled) {
          void fetch(`/api/v1/playback/${s.sessionId}`, { method: 'DELETE', credentials: 'include' });
          return;
        }
        sessionRef.current = s.sessionId;
        tokenRef.current = s.stream.token;
        setStart(s);
        setPercent(s.progress.percent);
        if (s.resumePosition > 0) setResumeAt(s.resumePosition);
        const dflt = s.captions.find((c) => c.default);
        if (dflt) setCaption(dflt.language);
        const video = videoRef.current!;
        const { default: HlsClass } = await import('hls.js');
        if (cancelled) return;
        if (HlsClass.isSupported()) {
          const hls = new HlsClass({
            // every request carries the newest token, so segments keep loading after a renewal
            xhrSetup: (xhr, url) => xhr.open('GET', withToken(url, tokenRef.current), true),
            // captions are the player's own <track> elements (from the playback answer); hls.js must
            // not add a second copy of the SUBTITLES group the master announces
            enableWebVTT: false,
            renderTextTracksNatively: false,
          });
          hlsRef.current = hls;
          hls.on(HlsClass.Events.MANIFEST_PARSED, (_e, data) => {
            setLevels(data.levels.map((l, index) => ({ index, height: l.height })).sort((a, b) => b.height - a.height));
          });
          hls.on(HlsClass.Events.LEVEL_SWITCHED, (_e, data) => setAutoHeight(hls.levels[data.level]?.height ?? null));
          hls.loadSource(s.stream.hls);
          hls.attachMedia(video);
        } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
          video.src = s.stream.hls;
        } else {
          setError(new Error(t('player.unsupported')));
        }
        if (s.stream.storyboardVtt) {
          const url = new URL(s.stream.storyboardVtt, window.location.href).toString();
          const res = await fetch(url);
          if (res.ok) setCues(parseStoryboard(await res.text(), url));
        }
      } catch (e) {
        if (!cancelled) setError(e as Error);
      }
    })();
    const onHide = () => void heartbeat('pagehide');
    window.addEventListener('pagehide', onHide);
    return () => {
      cancelled = true;
      window.removeEventListener('pagehide', onHide);
      void heartbeat('pagehide');
      hlsRef.current?.destroy();
      hlsRef.current = null;
      sessionRef.current = null;
    };
  }, [lessonId, heartbeat, t]);

  // heartbeats while the player is open (paused too), so the session and its token stay alive
  useEffect(() => {
    if (!start) return;
    const timer = window.setInterval(() => void heartbeat('interval'), start.heartbeatIntervalSeconds * 1000);
    return () => window.clearInterval(timer);
  }, [start, heartbeat]);

  // captions: exactly one track showing
  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    for (const track of Array.from(v.textTracks)) track.mode = track.language === caption ? 'showing' : 'disabled';
  }, [caption, start]);

  const v = () => videoRef.current!;
  const toggle = () => (v().paused ? void v().play() : v().pause());
  const seekBy = (d: number) => {
    v().currentTime = Math.max(0, Math.min(v().duration || 0, v().currentTime + d));
  };
  const fullscreen = () => (document.fullscreenElement ? void document.exitFullscreen() : void boxRef.current?.requestFullscreen());
  const toggleCaptions = () => {
    if (!start?.captions.length) return;
    setCaption((c) => (c === 'off' ? (start.captions.find((x) => x.default) ?? start.captions[0]!).language : 'off'));
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target instanceof HTMLSelectElement || e.target instanceof HTMLInputElement || (e.target instanceof HTMLButtonElement && (e.key === ' ' || e.key === 'Enter'))) return;
    const actions: Record<string, () => void> = {
      ' ': toggle,
      k: toggle,
      ArrowLeft: () => seekBy(-5),
      ArrowRight: () => seekBy(5),
      j: () => seekBy(-10),
      l: () => seekBy(10),
      f: fullscreen,
      m: () => (v().muted = !v().muted),
      c: toggleCaptions,
    };
    const act = actions[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    if (act) {
      e.preventDefault();
      act();
    }
  };

  if (error) {
    const code = error instanceof ApiError ? error.code : undefined;
    const title =
      code === 'stream_limit' ? t('player.streamLimit') : code === 'geo_blocked' ? t('player.geoBlocked') : code === 'video_not_ready' ? t('player.notReady') : t('errors.title');
    return (
      <Alert color={code === 'video_not_ready' ? 'blue' : 'red'} title={title} role="alert" data-testid="player-error">
        {error instanceof ApiError ? errorMessage(error, t) : error.message}
      </Alert>
    );
  }

  const duration = start?.durationSeconds ?? 0;
  const hoverCue = hover ? cueAt(cues, hover.t) : null;
  return (
    <Stack gap="xs">
      <Box
        ref={boxRef}
        role="region"
        aria-label={t('player.region')}
        tabIndex={0}
        onKeyDown={onKey}
        data-testid="video-player"
        style={{ position: 'relative', background: '#000', borderRadius: 8, overflow: 'hidden' }}
      >
        <video
          ref={videoRef}
          playsInline
          crossOrigin="anonymous"
          poster={start?.stream.poster ?? undefined}
          style={{ width: '100%', display: 'block', aspectRatio: '16 / 9' }}
          onClick={toggle}
          onPlay={() => setPlaying(true)}
          onPause={() => {
            setPlaying(false);
            tracker.current.close();
            void heartbeat('pause');
          }}
          onEnded={() => {
            tracker.current.close();
            void heartbeat('ended');
          }}
          onSeeking={() => tracker.current.close()}
          onTimeUpdate={(e) => {
            const el = e.currentTarget;
            setTime(el.currentTime);
            if (!el.paused && !el.seeking) tracker.current.tick(el.currentTime, el.playbackRate);
          }}
          onVolumeChange={(e) => setMuted(e.currentTarget.muted)}
          onRateChange={(e) => setSpeed(e.currentTarget.playbackRate)}
        >
          {start?.captions.map((c) => <track key={c.language} kind="captions" src={c.url} srcLang={c.language} label={c.label} />)}
        </video>
        {resumeAt !== null && (
          <Paper p="sm" shadow="md" style={{ position: 'absolute', left: 12, bottom: 12 }} data-testid="resume-prompt">
            <Text size="sm" fw={600} mb={6}>
              {t('player.resumeQuestion', { time: clock(resumeAt) })}
            </Text>
            <Group gap="xs">
              <Button
                size="xs"
                onClick={() => {
                  v().currentTime = resumeAt;
                  setResumeAt(null);
                  void v().play();
                }}
              >
                {t('player.resume')}
              </Button>
              <Button size="xs" variant="default" onClick={() => setResumeAt(null)}>
                {t('player.startOver')}
              </Button>
            </Group>
          </Paper>
        )}
      </Box>
      {sessionEnded && (
        <Alert color="yellow" title={t('player.ended')} role="alert">
          {t('player.endedHint')}
        </Alert>
      )}
      <Box pos="relative" onMouseLeave={() => setHover(null)}>
        {hover && hoverCue && (
          <div
            aria-hidden="true"
            data-testid="storyboard-preview"
            style={{
              position: 'absolute',
              bottom: 28,
              left: Math.max(0, hover.x - hoverCue.w / 2),
              width: hoverCue.w,
              height: hoverCue.h,
              backgroundImage: `url("${hoverCue.url}")`,
              backgroundPosition: `-${hoverCue.x}px -${hoverCue.y}px`,
              border: '2px solid white',
              boxShadow: '0 1px 4px rgba(0,0,0,.5)',
              pointerEvents: 'none',
              zIndex: 2,
            }}
          />
        )}
        <Slider
          thumbLabel={t('player.seek')}
          min={0}
          max={Math.max(duration, 0.1)}
          step={0.1}
          value={Math.min(time, duration)}
          label={(val) => clock(val)}
          onChange={(val) => {
            v().currentTime = val;
            setTime(val);
          }}
          onMouseMove={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            const x = Math.max(0, Math.min(r.width, e.clientX - r.left));
            setHover({ x, t: (x / r.width) * duration });
          }}
          disabled={!start}
        />
      </Box>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs" wrap="nowrap">
          <Button size="xs" onClick={toggle} disabled={!start} aria-label={playing ? t('player.pause') : t('player.play')} data-testid="play-toggle">
            {playing ? '❚❚' : '▶'}
          </Button>
          <Button size="xs" variant="default" onClick={() => (v().muted = !v().muted)} disabled={!start}>
            {muted ? t('player.unmute') : t('player.mute')}
          </Button>
          <Text size="sm" aria-live="off" data-testid="player-time">
            {t('player.time', { current: clock(time), total: clock(duration) })}
          </Text>
        </Group>
        <Group gap="xs" wrap="wrap">
          <NativeSelect
            size="xs"
            label={t('player.quality')}
            data-testid="quality-select"
            value={String(level)}
            onChange={(e) => {
              const n = Number(e.currentTarget.value);
              setLevel(n);
              if (hlsRef.current) hlsRef.current.currentLevel = n;
            }}
            data={[
              { value: '-1', label: autoHeight && level === -1 ? t('player.autoNow', { height: autoHeight }) : t('player.auto') },
              ...levels.map((l) => ({ value: String(l.index), label: `${l.height}p` })),
            ]}
          />
          <NativeSelect
            size="xs"
            label={t('player.captions')}
            data-testid="captions-select"
            value={caption}
            onChange={(e) => setCaption(e.currentTarget.value)}
            data={[{ value: 'off', label: t('player.captionsOff') }, ...(start?.captions ?? []).map((c) => ({ value: c.language, label: c.label }))]}
          />
          <NativeSelect
            size="xs"
            label={t('player.speed')}
            data-testid="speed-select"
            value={String(speed)}
            onChange={(e) => {
              v().playbackRate = Number(e.currentTarget.value);
            }}
            data={SPEEDS.map((s) => ({ value: String(s), label: `${s}×` }))}
          />
          <ActionIcon size="lg" variant="default" onClick={fullscreen} aria-label={t('player.fullscreen')} disabled={!start} style={{ alignSelf: 'flex-end' }}>
            <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
              <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />
            </svg>
          </ActionIcon>
        </Group>
      </Group>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" data-testid="watched-percent">
          {t('player.watched', { percent })}
        </Text>
        <Group gap="md">
          {start?.canViewAnalytics && (
            <Anchor component={Link} to={`/teach/videos/${start.videoId}/analytics`} size="sm">
              {t('player.analyticsLink')}
            </Anchor>
          )}
          <Anchor component="button" type="button" size="sm" onClick={() => setShowHelp((s) => !s)} aria-expanded={showHelp} aria-controls="player-shortcuts">
            {t('player.shortcuts')}
          </Anchor>
        </Group>
      </Group>
      {showHelp && (
        <List id="player-shortcuts" size="sm" aria-label={t('player.shortcuts')}>
          {Object.values(t('player.shortcutList', { returnObjects: true }) as Record<string, string>).map((s) => (
            <List.Item key={s}>{s}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
